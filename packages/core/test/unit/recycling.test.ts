import { describe, expect, it } from 'vitest'
import { stubPool } from '../support/stub-pool.js'

describe('recycling', () => {
  it('retires connections at max lifetime minus at most 2.5% jitter, and refills min', async () => {
    const { pool, dialect, clock } = stubPool({ min: 3, max: 3, maxLifetimeMillis: 100_000, housekeepingIntervalMillis: 500, healthCheckIntervalMillis: 0 })
    await pool.ready()
    await clock.advance(97_000)
    expect(dialect.open.length).toBe(3)
    expect(pool.stats().connections.recycled).toBe(0)
    await clock.advance(3_500)
    expect(pool.stats().connections.recycled).toBe(3)
    expect(dialect.connections.slice(0, 3).every((c) => !c.open)).toBe(true)
    expect(dialect.open.length).toBe(3)
    expect(pool.stats().connections.created).toBe(6)
    await pool.close()
  })

  it('spreads expiry: lifetimes differ between connections', async () => {
    const { pool, dialect, clock } = stubPool({ min: 10, max: 10, maxLifetimeMillis: 1_000_000, housekeepingIntervalMillis: 1_000, healthCheckIntervalMillis: 0 })
    await pool.ready()
    const closedAt: number[] = []
    pool.on('remove', () => closedAt.push(clock.now()))
    await clock.advance(1_000_000)
    expect(closedAt.length).toBe(10)
    expect(new Set(closedAt).size).toBeGreaterThan(3)
    expect(Math.min(...closedAt)).toBeGreaterThanOrEqual(1_000 + 975_000)
    void dialect
    await pool.close()
  })

  it('retires a borrowed connection past its lifetime when it comes back, never while borrowed', async () => {
    const { pool, dialect, clock } = stubPool({ max: 1, maxLifetimeMillis: 10_000, housekeepingIntervalMillis: 1_000 })
    const conn = await pool.acquire()
    await clock.advance(20_000)
    expect(dialect.connections[0]!.open).toBe(true)
    expect(await conn.query('SELECT 1', [], { fetch: 'one' })).toEqual({ n: 1 })
    conn.release()
    expect(dialect.connections[0]!.open).toBe(false)
    await pool.close()
  })

  it('closes connections idle beyond maxIdleMillis down to min, oldest idle first', async () => {
    const { pool, dialect, clock } = stubPool({ min: 1, max: 3, maxIdleMillis: 5_000, housekeepingIntervalMillis: 1_000, healthCheckIntervalMillis: 0 })
    const conns = [await pool.acquire(), await pool.acquire(), await pool.acquire()]
    conns[0]!.release()
    await clock.advance(2_000)
    conns[1]!.release()
    conns[2]!.release()
    await clock.advance(3_000)
    expect(dialect.open.map((c) => c.id)).toEqual([2, 3])
    await clock.advance(2_000)
    expect(dialect.open.length).toBe(1)
    await clock.advance(60_000)
    expect(dialect.open.length).toBe(1) // never below min
    await pool.close()
  })
})
