import { afterEach, describe, expect, it, vi } from 'vitest'
import { postgres } from '../../src/dialects/pg/index.js'
import { createPool, type Pool } from '../../src/pool.js'
import { PG_ADMIN_URL, PG_URL, TEST_PASSWORD } from '../support/databases.js'
import { until } from '../support/promises.js'

const PARAMETER = 'bound-value-7f3a'
const WRONG_PASSWORD = 'wrong-secret-91c2'

/**
 * Everything a pool logs, at every level, through a pino-style logger and
 * through DEBUG=sluice* on stderr, while it runs statements with a
 * recognisable bound value, fails some, loses a connection and cannot log in.
 */
describe('logging on PostgreSQL', () => {
  const pools: Pool[] = []
  const lines: string[] = []
  const logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [level, (details: unknown, message: string) => void lines.push(`${level} ${message} ${JSON.stringify(details)}`)]),
  ) as unknown as Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>
  const open = (connectionString: string) => {
    const pool = createPool({ dialect: postgres({ connectionString }), min: 1, max: 2, logger, createRetryInitialMillis: 20, breaker: false })
    pools.push(pool)
    return pool
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()))
    vi.restoreAllMocks()
    delete process.env.DEBUG
  })

  it('never logs a password or a bound value, and fills in connection, node, durations and error codes', async () => {
    process.env.DEBUG = 'sluice*'
    const stderr: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true))

    const pool = open(PG_URL)
    await pool.ready()
    expect(await pool.query({ text: 'SELECT $1::text AS v', values: [PARAMETER] }, undefined, { fetch: 'one' })).toEqual({ v: PARAMETER })
    await expect(pool.query('SELECT $1::int', [PARAMETER])).rejects.toThrow() // the driver's error names the value: it goes to the caller only
    await expect(pool.transaction(async (tx) => { await tx.query('SELECT $1::int', [PARAMETER]) })).rejects.toThrow()
    // a connection killed while idle is logged and replaced
    const { pid } = (await pool.query('SELECT pg_backend_pid() AS pid', [], { fetch: 'one' })) as { pid: number }
    const admin = createPool({ dialect: postgres({ connectionString: PG_ADMIN_URL }), min: 0, max: 1, logger: false })
    await admin.query('SELECT pg_terminate_backend($1)', [pid])
    await admin.close()
    await until(() => lines.some((line) => line.includes('was lost while idle')), 'the lost connection logged')

    // the local server may trust 127.0.0.1, so a database that does not exist makes it refuse
    const refused = open(PG_URL.replace(TEST_PASSWORD, WRONG_PASSWORD).replace(/\/[^/]*$/, '/sluice_no_such_db'))
    await expect(refused.ready()).rejects.toThrow()

    const everything = [...lines, ...stderr].join('\n')
    for (const secret of [TEST_PASSWORD, WRONG_PASSWORD, PARAMETER]) expect(everything).not.toContain(secret)
    expect(lines.find((line) => line.startsWith('debug sluice: opened connection'))).toMatch(/"node":"sluice","connectionId":"conn-1","durationMs":\d/)
    expect(lines.find((line) => line.includes('was lost while idle'))).toMatch(/"connectionId":"conn-\d+","error":\{"name":"error","message":".*","code":"57P01"\}/)
    expect(lines.find((line) => line.startsWith('error ') && line.includes('cannot connect'))).toContain('"code":"3D000"')
    expect(stderr.join('')).toMatch(/ sluice:connection \[sluice\] debug: opened connection conn-1 in \d+ms/)
  })
})
