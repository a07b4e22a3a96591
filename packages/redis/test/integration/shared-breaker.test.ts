import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CircuitOpenError, createPool, postgres, type BreakerTransition, type Pool, type PoolOptions } from '@sluice/core'
import { sharedBreaker, type SharedBreaker } from '../../src/index.js'
import { PG_URL } from '../../../core/test/support/databases.js'
import { rejection, until } from '../../../core/test/support/promises.js'
import { FaultProxy } from '../../../../test/fault-proxy/fault-proxy.js'
import { reportOf, runChild } from '../../../../test/faults/support/run-child.js'
import { PRIVATE_REDIS_PORT, REDIS_PORT, redisService } from '../support/redis-servers.js'

/**
 * Two application instances (two pools of the same name, each with its own
 * Redis client, as two processes would have) share their breakers through
 * Redis. Instance A reaches PostgreSQL through a fault proxy the test breaks;
 * instance B reaches it directly, so whatever B's breaker does, it learned
 * from A.
 */
const primary = new URL(PG_URL)
const RECOVERY = 1_500
const breakerOptions = (shared: SharedBreaker) => ({ failureThreshold: 3, recoveryTimeoutMillis: RECOVERY, shared })

interface Instance {
  readonly pool: Pool
  readonly redis: Redis
  readonly sharing: SharedBreaker
  readonly transitions: BreakerTransition[]
  readonly redisErrors: Error[]
}

const opened: Array<Instance | FaultProxy> = []
afterEach(async () => {
  for (const thing of opened.splice(0)) {
    if (thing instanceof FaultProxy) await thing.close()
    else {
      await thing.pool.close()
      thing.sharing.close()
      thing.redis.disconnect()
    }
  }
})

async function instance(key: string, redisPort: number, port: number, extra: Partial<PoolOptions> = {}): Promise<Instance> {
  // a Redis that is down must not hold commands for long (the sharing has its own deadline anyway)
  const redis = new Redis({ host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: 1, retryStrategy: () => 200, lazyConnect: false })
  redis.on('error', () => {})
  const redisErrors: Error[] = []
  const sharing = sharedBreaker({ redis, key, timeoutMillis: 300, onError: (error) => redisErrors.push(error) })
  const pool = createPool({
    name: 'orders',
    dialect: postgres({ host: '127.0.0.1', port, user: decodeURIComponent(primary.username), password: decodeURIComponent(primary.password), database: primary.pathname.slice(1), connectTimeoutMillis: 1_000 }),
    min: 1,
    max: 4,
    acquireTimeoutMillis: 1_000,
    createRetryInitialMillis: 20,
    createRetryMaxMillis: 50,
    breaker: breakerOptions(sharing),
    log: false,
    ...extra,
  })
  const transitions: BreakerTransition[] = []
  pool.on('breaker', (t) => transitions.push(t))
  const made = { pool, redis, sharing, transitions, redisErrors }
  opened.push(made)
  await pool.ready()
  return made
}

async function proxyToPrimary(): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: primary.hostname, port: Number(primary.port) }, port: { from: 16_000, to: 16_999 } })
  opened.push(proxy)
  return proxy
}

/** Trips `a`'s breaker: its proxy refuses and resets, and a few calls fail. */
async function trip(a: Instance, proxy: FaultProxy): Promise<void> {
  await proxy.refuse()
  proxy.reset()
  await Promise.all(Array.from({ length: 4 }, () => a.pool.query('SELECT 1').catch(() => undefined)))
  await until(() => a.pool.stats().breaker!.state === 'open', "instance A's breaker to open", 5_000)
}

/** Calls each instance (a trial call needs one) until every breaker is closed again. */
async function untilClosed(instances: Instance[], boundMillis: number): Promise<void> {
  await until(
    async () => {
      await Promise.all(instances.map((i) => i.pool.query('SELECT 1').catch(() => undefined)))
      return instances.every((i) => i.pool.stats().breaker!.state === 'closed')
    },
    'the breakers to close',
    boundMillis,
  )
}

describe('sharedBreaker through Redis', () => {
  beforeAll(() => redisService('start', REDIS_PORT), 60_000)

  it('one instance trips: the other opens within a second with the same retry time; one probes, and its verdict carries both back', async () => {
    const key = `sluice-test-${process.pid}-${Date.now()}`
    const proxy = await proxyToPrimary()
    const a = await instance(key, REDIS_PORT, proxy.port)
    const b = await instance(key, REDIS_PORT, Number(primary.port))
    await trip(a, proxy)
    const aOpened = a.transitions.find((t) => t.to === 'open')!
    await until(() => b.pool.stats().breaker!.state === 'open', "instance B's breaker to follow", 1_000)
    const bOpened = b.transitions.find((t) => t.to === 'open')!
    console.log(`B opened ${bOpened.at - aOpened.at} ms after A; retry times ${Math.abs(bOpened.retryAt! - aOpened.retryAt!)} ms apart`)
    expect(bOpened.reason).toBe('peer')
    expect(bOpened.lastError?.message).toBe(aOpened.lastError?.message)
    expect(Math.abs(bOpened.retryAt! - aOpened.retryAt!)).toBeLessThanOrEqual(50)
    // B's own path is fine, yet it spares the database like A
    expect(await rejection(b.pool.query('SELECT 1'))).toBeInstanceOf(CircuitOpenError)

    await proxy.pass()
    await untilClosed([a, b], RECOVERY + 5_000)
    // one instance pinged (half-open at its recovery timeout); the other followed its verdict
    const halfOpened = [...a.transitions, ...b.transitions].filter((t) => t.to === 'half-open').map((t) => t.reason).sort()
    expect(halfOpened, 'how each instance went half-open').toEqual(['peer', 'recovery-timeout'])
    expect(await a.pool.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(await b.pool.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect([...a.redisErrors, ...b.redisErrors]).toEqual([])
  }, 30_000)

  it('two processes: a breaker that opens in one opens in the other within a second', async () => {
    const key = `sluice-test-${process.pid}-${Date.now()}-processes`
    const b = await instance(key, REDIS_PORT, Number(primary.port))
    const fixture = fileURLToPath(new URL('../fixtures/trip-breaker.ts', import.meta.url))
    const child = runChild(fixture, [String(REDIS_PORT), key], 30_000)
    await until(() => b.pool.stats().breaker!.state === 'open', 'the breaker to follow the other process', 15_000)
    const outcome = await child
    const report = reportOf<{ openedAt: number; retryAt: number }>(outcome)
    const followed = b.transitions.find((t) => t.to === 'open')!
    console.log(`the other process opened at ${report.openedAt}; this one ${followed.at - report.openedAt} ms later`)
    expect(outcome.code, outcome.stderr).toBe(0)
    expect(followed.reason).toBe('peer')
    expect(followed.at - report.openedAt).toBeLessThanOrEqual(1_000)
    expect(Math.abs(followed.retryAt! - report.retryAt)).toBeLessThanOrEqual(50)
  }, 40_000)
})

describe('sharedBreaker with Redis down', () => {
  beforeAll(() => redisService('start', PRIVATE_REDIS_PORT), 60_000)
  afterAll(() => redisService('stop', PRIVATE_REDIS_PORT), 60_000)

  it('both pools go on with their local breakers, and no call waits on Redis', async () => {
    const key = `sluice-test-${process.pid}-${Date.now()}-down`
    const proxy = await proxyToPrimary()
    const a = await instance(key, PRIVATE_REDIS_PORT, proxy.port)
    const b = await instance(key, PRIVATE_REDIS_PORT, Number(primary.port))
    await redisService('stop', PRIVATE_REDIS_PORT)
    const startedAt = performance.now()
    await trip(a, proxy)
    // A's publish went nowhere: B keeps serving, unaffected and unhurried
    for (let i = 0; i < 20; i++) expect(await b.pool.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(b.pool.stats().breaker!.state).toBe('closed')
    expect(await rejection(a.pool.query('SELECT 1'))).toBeInstanceOf(CircuitOpenError)
    await proxy.pass()
    // the probe lock cannot be had: A probes by itself once the recovery timeout is over
    await untilClosed([a], RECOVERY + 3_000)
    console.log(`Redis down: A tripped and recovered locally in ${Math.round(performance.now() - startedAt)} ms; ${a.redisErrors.length} Redis errors reported`)
    expect(await a.pool.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(a.redisErrors.length).toBeGreaterThan(0)
  }, 30_000)
})
