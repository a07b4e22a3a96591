import { describe, expect, it } from 'vitest'
import { PoolClosedError } from '../../src/errors/pool-closed-error.js'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('close', () => {
  it('fails waiters, waits for borrowed connections, then closes everything', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    const waiter = pool.acquire().catch((e: unknown) => e)
    let closed = false
    const closing = pool.close().then(() => (closed = true))
    expect(await waiter).toBeInstanceOf(PoolClosedError)
    await flush()
    expect(closed).toBe(false)
    expect(await conn.query('SELECT 1', [], { fetch: 'one' })).toEqual({ n: 1 }) // still usable until given back
    conn.release()
    await closing
    expect(dialect.open).toEqual([])
    await expect(pool.acquire()).rejects.toThrow('sluice: cannot acquire, the pool is closed')
  })

  it('closes borrowed connections after closeTimeoutMillis; their later release is harmless', async () => {
    const { pool, dialect, clock } = stubPool({ max: 2, closeTimeoutMillis: 1_000 })
    const conn = await pool.acquire()
    const closing = pool.close()
    await clock.advance(1_000)
    await closing
    expect(dialect.open).toEqual([])
    await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(PoolClosedError)
    expect(() => conn.release()).not.toThrow()
  })

  it('closes a connection that finishes opening after close', async () => {
    const { pool, dialect } = stubPool()
    const acquired = pool.acquire().catch((e: unknown) => e)
    await pool.close()
    expect(await acquired).toBeInstanceOf(PoolClosedError)
    expect(dialect.open).toEqual([])
  })

  it('is idempotent', async () => {
    const { pool } = stubPool({ min: 2 })
    await pool.ready()
    await Promise.all([pool.close(), pool.close()])
    await pool.close()
    expect(pool.stats().pool.closed).toBe(true)
  })
})
