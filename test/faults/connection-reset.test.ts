import { describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import { CallLoad } from './support/call-load.js'
import { FAULT_TARGETS } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, rejectsWithin, resolvesWithin } from './support/settle.js'

/**
 * Every connection between the pool and its database is reset (a TCP RST, as
 * from a failing middlebox, a load balancer or a failover): the statements
 * on them fail at once with the driver's connection error, the pool replaces
 * the connections by itself, and nothing hangs or escapes.
 */
const ACQUIRE = 2_000

describe.each(FAULT_TARGETS)('connection resets between the pool and $kind', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)
  const proxiedPool = async (min: number, max: number) => {
    const proxy = await scene().proxy(target.primary)
    const pool = scene().pool({
      dialect: target.dialect(target.via(target.primary, proxy.port), 2_000),
      min,
      max,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: 5_000,
      createRetryInitialMillis: 20,
      createRetryMaxMillis: 200,
    })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    return { proxy, pool }
  }

  it('replaces idle connections that were reset, with no listener and no borrower to notice', async () => {
    const { proxy, pool } = await proxiedPool(3, 3)
    expect(proxy.reset()).toBe(3)
    await until(() => pool.stats().connections.recycled >= 3, 'the pool to notice the three resets', 5_000)
    await until(() => pool.stats().currentState.availableConnections === 3, 'the pool to refill to min', 5_000)
    const rows = await resolvesWithin('a query after the resets', pool.query('SELECT 1 AS one'), ACQUIRE + MARGIN_MILLIS)
    expect(rows).toHaveLength(1)
    expect(proxy.counters().accepted).toBe(6)
  })

  it('fails a statement in flight at once, and serves the next caller from a new connection', async () => {
    const { proxy, pool } = await proxiedPool(1, 1)
    const running = pool.query(target.sleepSql(5))
    // the next caller waits for the only connection (watched from the start, in case it fails first)
    const waiting = resolvesWithin('the waiting caller', pool.query(target.backendIdSql, [], { fetch: 'one' }), 1_000 + ACQUIRE + MARGIN_MILLIS)
    await new Promise((resolve) => setTimeout(resolve, 200))
    proxy.reset()
    const { error, millis } = await rejectsWithin('the statement whose connection was reset', running, 1_000 + MARGIN_MILLIS)
    expect(pool.config.dialect.isFatal(error), describeError(error)).toBe(true)
    console.log(`${target.kind}: the statement in flight failed ${millis} ms after the reset: ${describeError(error)}`)
    const row = await waiting
    expect(Number((row as { id: unknown }).id)).toBeGreaterThan(0)
    expect(pool.stats().connections.recycled).toBe(1)
  })

  it('under a load of 20 callers, resets three times over: every call settles, only connection errors, then all succeed', async () => {
    const { proxy, pool } = await proxiedPool(2, 4)
    const load = new CallLoad('a caller during resets', () => pool.query(target.busyIdSql(0.02)), ACQUIRE + 5_000 + MARGIN_MILLIS).start(20)
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      proxy.reset()
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    const report = await load.stop()
    const notConnectionErrors = report.failures.filter((error) => !pool.config.dialect.isFatal(error)).map(describeError)
    console.log(`${target.kind}: ${report.succeeded} calls succeeded and ${report.failures.length} failed during 3 resets; ${JSON.stringify(pool.stats().connections)}`)
    expect(notConnectionErrors, 'failures that are not connection errors').toEqual([])
    expect(report.failures.length).toBeGreaterThan(0)
    const after = await resolvesWithin('20 calls after the resets', Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT 1 AS one'))), ACQUIRE + MARGIN_MILLIS)
    expect(after).toHaveLength(20)
    expect(pool.stats().currentState.totalConnections).toBeLessThanOrEqual(4)
  })
})
