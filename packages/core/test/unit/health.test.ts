import { describe, expect, it } from 'vitest'
import { flush } from '../support/manual-clock.js'
import { StubFatalError } from '../support/stub-dialect.js'
import { stubPool } from '../support/stub-pool.js'

describe('health', () => {
  it('is not lowered by a user\'s SQL errors', async () => {
    const { pool } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    for (let i = 0; i < 20; i++) await expect(conn.query('FAIL')).rejects.toThrow('syntax error')
    expect(conn.healthScore).toBe(100)
    expect(await conn.query('SELECT 1', [], { fetch: 'one' })).toEqual({ n: 1 })
    conn.release()
    expect(pool.stats().queries).toEqual({ executed: 21, errors: 20, errorRate: 20 / 21 })
    expect(pool.stats().connections.recycled).toBe(0)
    await pool.close()
  })

  it('drops to 0 on a fatal error, and the connection is closed when given back', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    await expect(conn.query('FATAL')).rejects.toBeInstanceOf(StubFatalError)
    expect(conn.healthScore).toBe(0)
    conn.release()
    expect(dialect.connections[0]!.open).toBe(false)
    const next = await pool.acquire()
    expect(next.id).not.toBe(conn.id)
    next.release()
    await pool.close()
  })

  it('checks idle connections every healthCheckIntervalMillis and recycles one below the threshold', async () => {
    const { pool, dialect, clock } = stubPool({ min: 1, max: 1, healthCheckIntervalMillis: 10_000, housekeepingIntervalMillis: 1_000 })
    await pool.ready()
    await clock.advance(9_000)
    expect(dialect.pings).toBe(0)
    await clock.advance(1_000)
    expect(dialect.pings).toBe(1)
    expect(pool.stats().currentState.healthScores).toEqual({ 'conn-1': 100 })
    dialect.failPing = new Error('permission denied for function')
    await clock.advance(10_000)
    expect(pool.stats().currentState.healthScores).toEqual({ 'conn-1': 60 })
    await clock.advance(10_000)
    // 20 < 50: recycled, and min refilled with a fresh one
    expect(dialect.connections[0]!.open).toBe(false)
    expect(Object.keys(pool.stats().currentState.healthScores)).toEqual(['conn-2'])
    expect(pool.stats().connections.recycled).toBe(1)
    await pool.close()
  })

  it('never lends a connection while its health check runs', async () => {
    const { pool, dialect, clock } = stubPool({ min: 1, max: 1, healthCheckIntervalMillis: 1_000, housekeepingIntervalMillis: 1_000, healthCheckTimeoutMillis: 5_000 })
    await pool.ready()
    dialect.hangPing = true
    await clock.advance(1_000)
    expect(dialect.pings).toBe(1)
    expect(pool.stats().currentState).toMatchObject({ totalConnections: 1, availableConnections: 0, activeConnections: 0 })
    let got = false
    const acquired = pool.acquire().then((conn) => {
      got = true
      return conn
    })
    await clock.advance(4_000)
    expect(got).toBe(false)
    // the check times out: that connection is closed and the waiter gets a new one
    dialect.hangPing = false
    await clock.advance(1_000)
    const conn = await acquired
    expect(conn.id).toBe('conn-2')
    expect(dialect.connections[0]!.open).toBe(false)
    conn.release()
    await pool.close()
  })

  it('lowers the score for slow checks and raises it for good ones', async () => {
    const { pool, dialect, clock } = stubPool({ min: 1, max: 1, healthCheckIntervalMillis: 1_000, healthCheckSlowMillis: 100, housekeepingIntervalMillis: 1_000 })
    await pool.ready()
    const ping = dialect.ping.bind(dialect)
    dialect.ping = async (raw) => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 200))
      return ping(raw)
    }
    await clock.advance(1_000)
    await clock.advance(200)
    expect(pool.stats().currentState.healthScores['conn-1']).toBe(85)
    dialect.ping = ping
    // verified at 1 200ms; due again one interval later
    await clock.advance(800)
    expect(pool.stats().currentState.healthScores['conn-1']).toBe(85)
    await clock.advance(1_000)
    expect(pool.stats().currentState.healthScores['conn-1']).toBe(95)
    await pool.close()
  })

  it('replaces a connection lost while idle, and reports it without throwing', async () => {
    const { pool, dialect, logs } = stubPool({ min: 2, max: 2 })
    const errors: string[] = []
    pool.on('error', (error, id) => errors.push(`${id}: ${error.message}`))
    await pool.ready()
    dialect.kill(dialect.connections[0]!)
    await flush()
    expect(errors).toEqual(['conn-1: Connection terminated unexpectedly'])
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('conn-1 was lost while idle'))).toBe(true)
    expect(Object.keys(pool.stats().currentState.healthScores).sort()).toEqual(['conn-2', 'conn-3'])
    await pool.close()
  })

  it('marks a connection lost while borrowed and closes it when it comes back', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    dialect.kill(dialect.connections[0]!)
    expect(conn.healthScore).toBe(0)
    await expect(conn.query('SELECT 1')).rejects.toThrow('connection is closed')
    conn.release()
    const next = await pool.acquire()
    expect(next.id).toBe('conn-2')
    next.release()
    await pool.close()
  })
})
