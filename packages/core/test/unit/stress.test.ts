import { describe, expect, it } from 'vitest'
import type { PoolConnection } from '../../src/connection/pool-connection.js'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

/** A small seeded PRNG (mulberry32) so a failing run can be replayed by its seed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEEDS = (process.env.SLUICE_STRESS_SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number)

describe('randomized stress', () => {
  it.each(SEEDS)('keeps the invariants under random acquire/release/failure with seed %i', async (seed) => {
    const rand = random(seed)
    const max = 1 + Math.floor(rand() * 5)
    const { pool, dialect, clock } = stubPool({
      min: Math.floor(rand() * (max + 1)),
      max,
      acquireTimeoutMillis: 2_000,
      healthCheckIntervalMillis: 500,
      maxLifetimeMillis: 5_000,
      maxIdleMillis: 1_000,
      housekeepingIntervalMillis: 100,
      createRetryInitialMillis: 10,
      createRetryMaxMillis: 200,
      log: false,
    })
    const held: PoolConnection[] = []
    const outcomes: Array<Promise<unknown>> = []
    let settled = 0
    let acquires = 0
    for (let step = 0; step < 400; step++) {
      const r = rand()
      if (r < 0.35) {
        acquires++
        outcomes.push(
          pool.acquire().then(
            (conn) => {
              settled++
              held.push(conn)
            },
            () => settled++,
          ),
        )
      } else if (r < 0.6 && held.length > 0) {
        const conn = held.splice(Math.floor(rand() * held.length), 1)[0]!
        if (rand() < 0.2) conn.destroy()
        else conn.release()
      } else if (r < 0.7 && held.length > 0) {
        const conn = held[Math.floor(rand() * held.length)]!
        outcomes.push(conn.query(rand() < 0.3 ? 'FAIL' : rand() < 0.1 ? 'FATAL' : 'BEGIN').catch(() => undefined))
      } else if (r < 0.75 && dialect.open.length > 0) {
        dialect.kill(dialect.open[Math.floor(rand() * dialect.open.length)]!)
      } else if (r < 0.8) {
        dialect.failConnect = dialect.failConnect ? undefined : new Error('down')
      } else if (r < 0.85) {
        dialect.failPing = dialect.failPing ? undefined : new Error('ping refused')
      } else {
        await clock.advance(Math.floor(rand() * 300))
      }
      await flush()
      const { currentState } = pool.stats()
      expect(currentState.activeConnections + currentState.availableConnections).toBeLessThanOrEqual(max)
      expect(currentState.totalConnections).toBeLessThanOrEqual(max)
      expect(currentState.activeConnections).toBe(held.filter((c) => !c.released).length)
      // no waiter is left behind while a connection sits idle
      if (currentState.pendingAcquires > 0) expect(currentState.availableConnections).toBe(0)
      // the stub never has more live sockets than the pool thinks (no orphans)
      expect(dialect.open.length).toBeLessThanOrEqual(currentState.totalConnections + currentState.pendingCreates)
    }
    dialect.failConnect = undefined
    for (const conn of held.splice(0)) conn.release()
    await clock.advance(5_000)
    await Promise.all(outcomes)
    expect(settled).toBe(acquires) // no waiter left behind
    const closing = pool.close()
    await clock.advance(60_000)
    await closing
    // every connection ever created was closed
    expect(dialect.open).toEqual([])
  })
})
