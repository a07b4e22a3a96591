import { describe, expect, it } from 'vitest'
import type { Pool } from '@sluice/core'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import { CallLoad } from './support/call-load.js'
import { FAULT_TARGETS, type FaultTarget } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, resolvesWithin, settleWithin } from './support/settle.js'

/**
 * An operator (or the server itself: OOM killer, idle_session_timeout, a
 * failover) ends the pool's sessions: pg_terminate_backend() on PostgreSQL,
 * KILL on MariaDB. Idle ones must be noticed and replaced without a borrower,
 * busy ones must fail their statement or transaction at once, and under load
 * nothing may hang or escape.
 */
const ACQUIRE = 2_000

async function sessionIds(pool: Pool, target: FaultTarget, count: number): Promise<number[]> {
  // held at once, so that each is a different connection
  const held = await Promise.all(Array.from({ length: count }, () => pool.acquire()))
  const ids = await Promise.all(held.map(async (conn) => Number(((await conn.query(target.backendIdSql, [], { fetch: 'one' })) as { id: unknown }).id)))
  for (const conn of held) conn.release()
  return ids
}

describe.each(FAULT_TARGETS)('$kind sessions killed from outside', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)
  const pools = () => {
    const options = { min: 0, acquireTimeoutMillis: ACQUIRE, createRetryInitialMillis: 20, createRetryMaxMillis: 200 }
    const admin = scene().pool({ ...options, dialect: target.dialect(target.primary, 2_000), name: 'admin', max: 1 })
    const kill = async (id: number) => {
      const { sql, params } = target.kill(id)
      // MariaDB refuses to KILL a thread that is already gone; that is not a failure here
      await admin.query(sql, params).catch(() => undefined)
    }
    return { admin, kill, pool: (min: number, max: number) => scene().pool({ ...options, dialect: target.dialect(target.primary, 2_000), min, max }) }
  }

  it('notices every idle session killed, with no listener, replaces them, and serves from new sessions', async () => {
    const { kill, pool: open } = pools()
    const pool = open(3, 3)
    await pool.ready()
    const killed = await sessionIds(pool, target, 3)
    for (const id of killed) await kill(id)
    await until(() => pool.stats().connections.recycled >= 3, 'the pool to notice the three killed sessions', 5_000)
    await until(() => pool.stats().currentState.availableConnections === 3, 'the pool to refill to min', 5_000)
    const fresh = await resolvesWithin('three queries after the kills', sessionIds(pool, target, 3), ACQUIRE + MARGIN_MILLIS)
    expect(fresh.filter((id) => killed.includes(id))).toEqual([])
  })

  it('fails a statement and a transaction whose sessions are killed mid-way, at once, and serves the callers waiting behind them', async () => {
    const { kill, pool: open } = pools()
    const pool = open(0, 2)
    const busy = await sessionIds(pool, target, 2)
    // each call is watched from the start: one may fail while the test still awaits another
    const statement = settleWithin('the statement whose session was killed', pool.query(target.sleepSql(10)), 2_000 + MARGIN_MILLIS)
    const transaction = settleWithin(
      'the transaction whose session was killed',
      pool.transaction(async (tx) => {
        await tx.query(target.backendIdSql)
        await tx.query(target.sleepSql(10))
      }),
      2_000 + MARGIN_MILLIS,
    )
    // callers queued behind the two busy connections
    const waiting = resolvesWithin('the callers waiting behind them', Promise.all(Array.from({ length: 3 }, () => pool.query(target.backendIdSql, [], { fetch: 'one' }))), 2_000 + ACQUIRE + MARGIN_MILLIS)
    await new Promise((resolve) => setTimeout(resolve, 300))
    for (const id of busy) await kill(id)

    for (const [name, call] of [['the statement', statement], ['the transaction', transaction]] as const) {
      const settled = await call
      expect(settled.ok, `${name} resolved`).toBe(false)
      const error = settled.ok ? undefined : settled.error
      expect(pool.config.dialect.isFatal(error), describeError(error)).toBe(true)
      console.log(`${target.kind}: ${name} failed ${settled.millis} ms after it started (the kill came at ~300 ms): ${describeError(error)}`)
    }
    const served = await waiting
    expect(served.map((row) => busy.includes(Number((row as { id: unknown }).id)))).toEqual([false, false, false])
  })

  it('under a load of 20 callers, every session killed three times over: every call settles, only connection errors, then all succeed', async () => {
    const { kill, pool: open } = pools()
    const pool = open(2, 4)
    await pool.ready()
    const seen = new Set<number>()
    const load = new CallLoad('a caller during kills', async () => {
      const row = (await pool.query(target.busyIdSql(0.02), [], { fetch: 'one' })) as { id: unknown }
      seen.add(Number(row.id))
    }, ACQUIRE + MARGIN_MILLIS).start(20)
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const victims = [...seen]
      seen.clear()
      for (const id of victims) await kill(id)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    const report = await load.stop()
    const notConnectionErrors = report.failures.filter((error) => !pool.config.dialect.isFatal(error)).map(describeError)
    console.log(`${target.kind}: ${report.succeeded} calls succeeded and ${report.failures.length} failed during 3 rounds of kills; ${JSON.stringify(pool.stats().connections)}`)
    expect(notConnectionErrors, 'failures that are not connection errors').toEqual([])
    expect(pool.stats().connections.recycled).toBeGreaterThanOrEqual(3)
    const after = await resolvesWithin('20 calls after the kills', Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT 1 AS one'))), ACQUIRE + MARGIN_MILLIS)
    expect(after).toHaveLength(20)
    expect(pool.stats().currentState.totalConnections).toBeLessThanOrEqual(4)
  })
})
