import { describe, expect, it } from 'vitest'
import { PoolTimeoutError, QueryTimeoutError } from '@sluice/core'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import { FAULT_TARGETS } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { GOODBYE_MILLIS, MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, eventually, resolvesWithin, settleWithin } from './support/settle.js'

/**
 * The network between the pool and its database freezes (nothing arrives,
 * nothing is closed: a dead peer, a partition): every call must fail at its
 * own bound, nothing may hang, and the pool must serve again soon after the
 * network comes back.
 */
const ACQUIRE = 1_500
const QUERY = 1_000
const CONNECT = 1_000

describe.each(FAULT_TARGETS)('a frozen network to $kind', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)
  const frozenPool = async () => {
    const proxy = await scene().proxy(target.primary)
    const pool = scene().pool({
      dialect: target.dialect(target.via(target.primary, proxy.port), CONNECT),
      min: 2,
      max: 3,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: QUERY,
      createRetryInitialMillis: 50,
      createRetryMaxMillis: 200,
      healthCheckIntervalMillis: 300,
      healthCheckTimeoutMillis: 500,
      closeTimeoutMillis: 1_000,
    })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    return { proxy, pool }
  }

  it('fails statements at queryTimeoutMillis and acquires at acquireTimeoutMillis, then serves again after the thaw', async () => {
    const { proxy, pool } = await frozenPool()
    await proxy.freeze()
    // more callers than connections: two run on frozen connections, the rest wait for connections that cannot open
    const calls = Array.from({ length: 5 }, (_, i) => settleWithin(`pool.query() #${i + 1} while frozen`, pool.query('SELECT 1 AS one'), ACQUIRE + QUERY + MARGIN_MILLIS))
    const settled = await Promise.all(calls)
    const outcomes = settled.map((s) => (s.ok ? 'resolved' : (s.error as { code?: string }).code ?? describeError(s.error)))
    expect(outcomes.filter((o) => o === 'SLUICE_QUERY_TIMEOUT').length, outcomes.join(', ')).toBeGreaterThanOrEqual(1)
    expect(outcomes.filter((o) => o === 'SLUICE_POOL_TIMEOUT').length, outcomes.join(', ')).toBeGreaterThanOrEqual(1)
    expect(outcomes.every((o) => o === 'SLUICE_QUERY_TIMEOUT' || o === 'SLUICE_POOL_TIMEOUT'), outcomes.join(', ')).toBe(true)
    for (const s of settled) {
      if (s.ok) continue
      // each at its own bound, not before (timers may fire a millisecond early)
      const bound = s.error instanceof QueryTimeoutError ? QUERY : ACQUIRE
      expect(s.millis).toBeGreaterThanOrEqual(bound - 5)
      if (s.error instanceof PoolTimeoutError) {
        // the waiter learns why: connects time out, which is not "pool full"
        expect(s.error.message).toMatch(/timeout|ETIMEDOUT/i)
        expect(s.error.cause).toBeInstanceOf(Error)
      }
    }

    await proxy.pass()
    const thawedAt = performance.now()
    const one = await eventually('the first query after the thaw', () => pool.query('SELECT 1 AS one', [], { fetch: 'one' }), ACQUIRE + MARGIN_MILLIS * 2)
    console.log(`${target.kind}: serving again ${Math.round(performance.now() - thawedAt)} ms after the thaw; ${JSON.stringify(pool.stats().connections)}`)
    expect(Number((one as { one: unknown }).one)).toBe(1)
    // the connections frozen mid-statement were not reused: they may still deliver stale replies
    expect(pool.stats().connections.recycled).toBeGreaterThanOrEqual(1)
  })

  it('retires idle connections that stop answering their health checks, and refills once the network is back', async () => {
    const { proxy, pool } = await frozenPool()
    const created = pool.stats().connections.created
    await proxy.freeze()
    await until(() => pool.stats().connections.recycled >= 2, 'the health checks to retire the frozen connections', 300 + 500 + 2 * MARGIN_MILLIS)
    await proxy.pass()
    await until(() => pool.stats().currentState.availableConnections >= 2, 'the pool to refill to min', 5_000)
    expect(pool.stats().connections.created).toBeGreaterThanOrEqual(created + 2)
  })

  it('closes while frozen, with a statement in flight, within closeTimeoutMillis and the drivers\' goodbye timeout', async () => {
    const { proxy, pool } = await frozenPool()
    await proxy.freeze()
    const inFlight = settleWithin('a statement in flight at close()', pool.query('SELECT 1 AS one'), QUERY + MARGIN_MILLIS)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = await settleWithin('pool.close() while frozen', pool.close(), pool.config.closeTimeoutMillis + GOODBYE_MILLIS + MARGIN_MILLIS)
    console.log(`${target.kind}: close() while frozen took ${closing.millis} ms`)
    expect(closing.ok).toBe(true)
    const settled = await inFlight
    expect(settled.ok).toBe(false)
  })

  it('keeps working on a slow but live network', async () => {
    const { proxy, pool } = await frozenPool()
    await proxy.delay(30)
    const results = await resolvesWithin('20 queries at 30 ms per hop', Promise.all(Array.from({ length: 20 }, (_, i) => pool.query(`SELECT ${i} AS n`, [], { fetch: 'one' }))), 10_000)
    expect(results.map((row) => Number((row as { n: unknown }).n))).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(pool.stats().connections.recycled).toBe(0)
  })
})
