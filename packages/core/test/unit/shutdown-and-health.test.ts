import { describe, expect, it } from 'vitest'
import { ArgumentError } from '../../src/errors/argument-error.js'
import { PoolClosedError } from '../../src/errors/pool-closed-error.js'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('close({ timeoutMillis })', () => {
  it('rejects new work at once, lets a running transaction finish, then closes', async () => {
    const { pool, dialect } = stubPool({ max: 2 })
    let finishTransaction!: () => void
    const inTransaction = new Promise<void>((resolve) => (finishTransaction = resolve))
    const transaction = pool.transaction(async (tx) => {
      await tx.query('SELECT 1')
      await inTransaction
      return tx.query('SELECT 2', [], { fetch: 'one' }) // after close() began: still runs
    })
    await flush()
    const closing = pool.close({ timeoutMillis: 60_000 })
    await expect(pool.query('SELECT 1')).rejects.toBeInstanceOf(PoolClosedError)
    await expect(pool.acquire()).rejects.toThrow('sluice: cannot acquire, the pool is closed')
    finishTransaction()
    expect(await transaction).toEqual({ n: 1 })
    await closing
    expect(dialect.connections[0]!.statements).toEqual(['BEGIN', 'SELECT 1', 'SELECT 2', 'COMMIT'])
    expect(dialect.open).toEqual([])
  })

  it('forces the close at the deadline, overriding closeTimeoutMillis', async () => {
    const { pool, dialect, clock, logs } = stubPool({ closeTimeoutMillis: 30_000 })
    const conn = await pool.acquire()
    const hanging = conn.query('HANG').catch((e: unknown) => e)
    let closed = false
    const closing = pool.close({ timeoutMillis: 500 }).then(() => (closed = true))
    await clock.advance(499)
    expect(closed).toBe(false)
    await clock.advance(1)
    await closing
    expect(dialect.open).toEqual([])
    expect(logs.map((l) => l.message)).toContain('sluice: closing connection conn-1 that was still in-use after 500ms')
    void hanging
  })

  it('names a bad timeout', async () => {
    const { pool } = stubPool()
    const error = await pool.close({ timeoutMillis: -1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ArgumentError)
    expect((error as ArgumentError).argument).toBe('options.timeoutMillis')
    await pool.close()
  })
})

describe('health()', () => {
  it('is up with the primary serving, and lists the node', async () => {
    const { pool } = stubPool({ min: 1 })
    await pool.ready()
    expect(await pool.health()).toEqual({
      status: 'up',
      reasons: [],
      nodes: [{ name: 'sluice', role: 'primary', status: 'up', breaker: 'off', totalConnections: 1, activeConnections: 0, pendingAcquires: 0 }],
    })
    await pool.close()
  })

  it('is degraded while every connection is in use and acquires wait', async () => {
    const { pool } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    const waiting = pool.acquire()
    await flush()
    const health = await pool.health()
    expect(health.status).toBe('degraded')
    expect(health.reasons).toEqual(['primary sluice: saturated: all 1 connections in use, 1 acquires waiting'])
    conn.release()
    ;(await waiting).release()
    expect((await pool.health()).status).toBe('up')
    await pool.close()
  })

  it('is down while the database cannot be reached, then while the breaker is open, and once closed', async () => {
    const { pool, dialect, clock } = stubPool({ min: 1, breaker: { failureThreshold: 2, recoveryTimeoutMillis: 10_000 } })
    dialect.failConnect = new Error('connect ECONNREFUSED 127.0.0.1:5432')
    await expect(pool.ready()).rejects.toThrow('ECONNREFUSED')
    expect(await pool.health()).toMatchObject({ status: 'down', reasons: ['primary sluice: cannot connect: connect ECONNREFUSED 127.0.0.1:5432'] })
    await clock.advance(200)
    await pool.query('SELECT 1').catch(() => {})
    await clock.advance(1_000)
    await pool.query('SELECT 1').catch(() => {})
    const health = await pool.health()
    expect(health.nodes[0]!.breaker).toBe('open')
    expect(health.reasons[0]).toMatch(/^primary sluice: circuit breaker open \(probes in \d+ms\)$/)
    await pool.close()
    expect(await pool.health()).toMatchObject({ status: 'down', reasons: ['primary sluice: the pool is closed'] })
  })

  it('with ping, runs the health-check statement and reports a primary that does not answer in time as down', async () => {
    const { pool, clock } = stubPool({ healthCheckTimeoutMillis: 1_000 })
    expect((await pool.health({ ping: true })).nodes[0]!.pingMillis).toBe(0)
    const { pool: hanging, clock: hangingClock } = stubPool({ healthCheckQuery: 'HANG', healthCheckTimeoutMillis: 1_000 })
    const probing = hanging.health({ ping: true })
    await flush()
    await hangingClock.advance(1_000)
    const health = await probing
    expect(health.status).toBe('down')
    expect(health.reasons[0]).toMatch(/^primary sluice: ping failed: /)
    await pool.close()
    await hanging.close({ timeoutMillis: 0 })
    void clock
  })
})
