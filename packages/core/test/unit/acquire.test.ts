import { describe, expect, it } from 'vitest'
import { PoolTimeoutError } from '../../src/errors/pool-timeout-error.js'
import type { PoolConnection } from '../../src/connection/pool-connection.js'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('acquire', () => {
  it('opens connections lazily, only while someone waits, up to max', async () => {
    const { pool, dialect } = stubPool({ max: 2 })
    expect(dialect.connectAttempts).toBe(0)
    const a = await pool.acquire()
    expect(dialect.connectAttempts).toBe(1)
    a.release()
    const b = await pool.acquire()
    expect(dialect.connectAttempts).toBe(1) // reused, not reopened
    const c = await pool.acquire()
    expect(dialect.connectAttempts).toBe(2)
    const pending = pool.acquire()
    await flush()
    expect(dialect.connectAttempts).toBe(2) // max reached: waits instead
    b.release()
    const d = await pending
    expect(d.id).toBe(b.id)
    c.release()
    d.release()
    await pool.close()
  })

  it('serves waiters first-in first-out', async () => {
    const { pool } = stubPool({ max: 1 })
    const held = await pool.acquire()
    const order: number[] = []
    const waiters = [1, 2, 3, 4, 5].map((n) =>
      pool.acquire().then((conn) => {
        order.push(n)
        conn.release()
      }),
    )
    await flush()
    expect(pool.stats().currentState.pendingAcquires).toBe(5)
    held.release()
    await Promise.all(waiters)
    expect(order).toEqual([1, 2, 3, 4, 5])
    await pool.close()
  })

  it('times out with the counts in the message and no cause when the pool is full', async () => {
    const { pool, clock } = stubPool({ max: 2, acquireTimeoutMillis: 500 })
    const held = [await pool.acquire(), await pool.acquire()]
    const pending = pool.acquire()
    const outcome = pending.catch((error: unknown) => error)
    await clock.advance(499)
    expect(pool.stats().currentState.pendingAcquires).toBe(1)
    await clock.advance(1)
    const error = await outcome
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect((error as Error).message).toBe(
      'sluice: connection not available, request timed out after 500ms (total=2, active=2, idle=0, waiting=0, max=2)',
    )
    expect((error as Error).cause).toBeUndefined()
    expect(pool.stats().connections.acquireTimeouts).toBe(1)
    for (const conn of held) conn.release()
    await pool.close()
  })

  it('times out saying the database is unreachable and why, with the last connection error as cause, when the database is down', async () => {
    const { pool, dialect, clock } = stubPool({ acquireTimeoutMillis: 1_000 })
    dialect.failConnect = new Error('connect ECONNREFUSED 127.0.0.1:5432')
    const outcome = pool.acquire().catch((error: unknown) => error)
    await clock.advance(1_000)
    const error = (await outcome) as PoolTimeoutError
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect(error.message).toBe(
      'sluice: the database stub://test is unreachable: connect ECONNREFUSED 127.0.0.1:5432; request timed out after 1000ms (total=0, active=0, idle=0, waiting=0, max=3)',
    )
    expect(error.cause).toBe(dialect.failConnect)
    await pool.close()
  })

  it('retries a failed connect with growing back-off instead of spinning, and recovers', async () => {
    const { pool, dialect, clock } = stubPool({ acquireTimeoutMillis: 10_000, createRetryInitialMillis: 100, createRetryMaxMillis: 800 })
    dialect.failConnect = new Error('down')
    const acquired = pool.acquire()
    await flush()
    expect(dialect.connectAttempts).toBe(1)
    await clock.advance(99)
    expect(dialect.connectAttempts).toBe(1) // still backing off
    await clock.advance(1)
    expect(dialect.connectAttempts).toBe(2) // after 100ms
    await clock.advance(200)
    expect(dialect.connectAttempts).toBe(3) // after 200ms more
    await clock.advance(400)
    expect(dialect.connectAttempts).toBe(4)
    await clock.advance(800)
    expect(dialect.connectAttempts).toBe(5)
    await clock.advance(800)
    expect(dialect.connectAttempts).toBe(6) // capped at 800ms
    dialect.failConnect = undefined
    await clock.advance(800)
    const conn = await acquired
    expect(conn.id).toMatch(/^conn-/)
    expect(pool.stats().connections.failed).toBe(6)
    conn.release()
    await pool.close()
  })

  it('probes one connection at a time while the database fails, even with many waiters', async () => {
    const { pool, dialect, clock } = stubPool({ max: 10, acquireTimeoutMillis: 5_000 })
    dialect.failConnect = new Error('down')
    const waiters = Array.from({ length: 8 }, () => pool.acquire().catch((e: unknown) => e))
    await flush()
    const first = dialect.connectAttempts
    expect(first).toBeLessThanOrEqual(8)
    await clock.advance(100)
    expect(dialect.connectAttempts).toBe(first + 1)
    await clock.advance(5_000)
    for (const outcome of await Promise.all(waiters)) expect(outcome).toBeInstanceOf(PoolTimeoutError)
    await pool.close()
  })

  it('hands a connection to a waiter without letting a newcomer jump the queue', async () => {
    const { pool } = stubPool({ max: 1 })
    const held = await pool.acquire()
    const waiter = pool.acquire()
    await flush()
    held.release()
    const jumper = pool.acquire()
    const first = await waiter
    let jumped = false
    void jumper.then(() => (jumped = true))
    await flush()
    expect(jumped).toBe(false)
    first.release()
    ;(await jumper).release()
    await pool.close()
  })

  it('is used by withConnection and query, which always give the connection back', async () => {
    const { pool } = stubPool({ max: 1 })
    await expect(pool.withConnection(async (conn: PoolConnection) => conn.query('FAIL'))).rejects.toThrow('syntax error')
    expect(await pool.query('SELECT n', [], { fetch: 'one' })).toEqual({ n: 1 })
    expect(pool.stats().currentState.activeConnections).toBe(0)
    expect(pool.stats().currentState.availableConnections).toBe(1)
    await pool.close()
  })
})
