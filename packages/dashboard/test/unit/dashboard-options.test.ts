import { ConfigError, createPool, sqlite, type Pool } from '@sluice/core'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveDashboardOptions } from '../../src/config/dashboard-options.js'
import { DASHBOARD_DEFAULTS } from '../../src/config/defaults.js'

// pools that never connect: validation only looks at them
const pools: Pool[] = []
const pool = (name: string) => {
  const created = createPool({ dialect: sqlite({ filename: ':memory:' }), name, min: 0, max: 1 })
  pools.push(created)
  return created
}
afterAll(() => Promise.all(pools.map((p) => p.close())))

describe('dashboard options', () => {
  it('fills the defaults: loopback, a free port, one sample a second, no token, no pool', () => {
    expect(resolveDashboardOptions()).toEqual({ pools: [], port: 0, host: '127.0.0.1', refreshIntervalMillis: 1_000, token: undefined })
    expect(DASHBOARD_DEFAULTS.host).toBe('127.0.0.1')
    expect(Object.isFrozen(resolveDashboardOptions({}))).toBe(true)
  })

  it('names pools of a list by their configured name and pools of a record by their key', () => {
    const orders = pool('orders')
    const audit = pool('audit')
    expect(resolveDashboardOptions({ pools: [orders, audit] }).pools).toEqual([
      { name: 'orders', pool: orders },
      { name: 'audit', pool: audit },
    ])
    expect(resolveDashboardOptions({ pools: { primary: orders } }).pools).toEqual([{ name: 'primary', pool: orders }])
  })

  it.each([
    [{ port: -1 }, 'Sluice: invalid option port = -1: must be an integer from 0 to 65535 (0 picks a free port)'],
    [{ port: 65_536 }, 'Sluice: invalid option port = 65536: must be an integer from 0 to 65535 (0 picks a free port)'],
    [{ port: '9400' }, 'Sluice: invalid option port = "9400": must be an integer from 0 to 65535 (0 picks a free port)'],
    [{ host: '' }, 'Sluice: invalid option host = "": must be a host name or an IP address'],
    [{ host: 'local host' }, 'Sluice: invalid option host = "local host": must be a host name or an IP address'],
    [{ host: ':::1' }, 'Sluice: invalid option host = ":::1": must be a host name or an IP address'],
    [{ refreshIntervalMillis: 50 }, 'Sluice: invalid option refreshIntervalMillis = 50: must be an integer from 100 to 60000'],
    [{ refreshIntervalMillis: 250.5 }, 'Sluice: invalid option refreshIntervalMillis = 250.5: must be an integer from 100 to 60000'],
    [{ pools: 'orders' }, 'Sluice: invalid option pools = "orders": must be an array of pools or a record of name -> pool'],
    [{ pools: [{}] }, 'Sluice: invalid option pools[0] = an object: must be a Sluice pool (from createPool())'],
    [{ pools: { orders: 42 } }, 'Sluice: invalid option pools.orders = 42: must be a Sluice pool (from createPool())'],
    [{ refresh: 1000 }, 'Sluice: invalid option refresh = 1000: unknown option'],
  ])('rejects %j with a ConfigError naming the option', (options, message) => {
    expect(() => resolveDashboardOptions(options as never)).toThrow(ConfigError)
    expect(() => resolveDashboardOptions(options as never)).toThrow(message)
  })

  it('rejects two pools under one name', () => {
    expect(() => resolveDashboardOptions({ pools: [pool('twin'), pool('twin')] })).toThrow(
      'Sluice: invalid option pools = "twin": two pools have this name; give them distinct names (or pass a record)',
    )
  })

  it('never prints a token, even a malformed one', () => {
    const attempt = () => resolveDashboardOptions({ token: 'secret with spaces' })
    expect(attempt).toThrow('Sluice: invalid option token = <redacted>: must be a non-empty string of printable ASCII characters without spaces')
    try {
      attempt()
    } catch (error) {
      expect((error as ConfigError).field).toBe('token')
      expect(String(error)).not.toContain('secret with spaces')
    }
  })

  it('accepts IPv6 and wildcard addresses', () => {
    expect(resolveDashboardOptions({ host: '::1' }).host).toBe('::1')
    expect(resolveDashboardOptions({ host: '0.0.0.0' }).host).toBe('0.0.0.0')
    expect(resolveDashboardOptions({ host: 'localhost' }).host).toBe('localhost')
  })
})
