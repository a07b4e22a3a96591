import { describe, expect, it } from 'vitest'
import { ConnectionReleasedError } from '../../src/errors/connection-released-error.js'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('release', () => {
  it('is one-shot: a second release and a query after release are clear errors that corrupt nothing', async () => {
    const { pool } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    conn.release()
    expect(() => conn.release()).toThrow(ConnectionReleasedError)
    expect(() => conn.release()).toThrow(`Cannot release connection ${conn.id}: it has already been released to the pool`)
    await expect(conn.query('SELECT 1')).rejects.toThrow(ConnectionReleasedError)
    // the connection now belongs to someone else, whose work is untouched
    const next = await pool.acquire()
    expect(next.id).toBe(conn.id)
    expect(() => conn.destroy()).toThrow(ConnectionReleasedError)
    expect(next.released).toBe(false)
    expect(await next.query('SELECT n', [], { fetch: 'one' })).toEqual({ n: 1 })
    next.release()
    expect(pool.stats().currentState).toMatchObject({ totalConnections: 1, activeConnections: 0, availableConnections: 1 })
    await pool.close()
  })

  it('rolls back a transaction left open before anyone else gets the connection', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    await conn.query('BEGIN')
    await conn.query('INSERT something')
    const next = pool.acquire()
    conn.release()
    const second = await next
    expect(dialect.resets).toBe(1)
    expect(second.inTransaction()).toBe(false)
    second.release()
    await pool.close()
  })

  it('closes a connection whose reset fails instead of lending it', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    dialect.reset = async () => {
      throw new Error('rollback failed')
    }
    const conn = await pool.acquire()
    await conn.query('BEGIN')
    const id = conn.id
    conn.release()
    const next = await pool.acquire()
    expect(next.id).not.toBe(id)
    expect(dialect.connections[0]!.open).toBe(false)
    next.release()
    await pool.close()
  })

  it('waits for statements still running at release before lending the connection again', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    void conn.query('SLEEP 30')
    conn.release()
    const next = await pool.acquire()
    // the borrower's statement finished before the next one got the connection
    expect(dialect.connections[0]!.statements).toEqual(['SLEEP 30'])
    await next.query('SELECT 1')
    expect(dialect.connections[0]!.statements).toEqual(['SLEEP 30', 'SELECT 1'])
    next.release()
    await pool.close()
  })

  it('destroy() closes the connection and a replacement is opened for waiters', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    const waiter = pool.acquire()
    conn.destroy()
    const next = await waiter
    expect(next.id).not.toBe(conn.id)
    expect(dialect.connections.map((c) => c.open)).toEqual([false, true])
    expect(pool.stats().connections.recycled).toBe(1)
    next.release()
    await pool.close()
  })

  it('runs a borrower\'s concurrent statements one at a time, in order', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    const done = Promise.all([conn.query('SLEEP 20'), conn.query('SELECT a'), conn.query('SLEEP 5'), conn.query('SELECT b')])
    await flush()
    expect(dialect.connections[0]!.statements).toEqual(['SLEEP 20'])
    await done
    expect(dialect.connections[0]!.statements).toEqual(['SLEEP 20', 'SELECT a', 'SLEEP 5', 'SELECT b'])
    conn.release()
    await pool.close()
  })
})
