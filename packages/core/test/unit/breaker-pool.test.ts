import { describe, expect, it } from 'vitest'
import { CircuitOpenError } from '../../src/errors/circuit-open-error.js'
import { PermanentConnectError } from '../../src/errors/permanent-connect-error.js'
import { PoolTimeoutError } from '../../src/errors/pool-timeout-error.js'
import type { BreakerTransition } from '../../src/resilience/breaker-stats.js'
import { flush } from '../support/manual-clock.js'
import { rejection } from '../support/promises.js'
import type { StubDialect } from '../support/stub-dialect.js'
import { stubPool } from '../support/stub-pool.js'

const BREAKER = { failureThreshold: 3, recoveryTimeoutMillis: 1_000, halfOpenMaxCalls: 2 }

/**
 * Three statements killed at once on three connections (a successful
 * reconnect in between would count as the node answering).
 */
async function killThree(pool: { query(sql: string): Promise<unknown> }): Promise<void> {
  await Promise.all([rejection(pool.query('FATAL')), rejection(pool.query('FATAL')), rejection(pool.query('FATAL'))])
}

/** A stub pool with its breaker on, and the transitions it reported. */
function breakerPool(options: Parameters<typeof stubPool>[0] = {}) {
  const stub = stubPool({ breaker: BREAKER, ...options })
  const transitions: BreakerTransition[] = []
  stub.pool.on('breaker', (t) => transitions.push(t))
  return { ...stub, transitions }
}

describe('the pool\'s circuit breaker', () => {
  it('opens on fatal statement errors; calls then fail at once with CircuitOpenError, before any connection is touched', async () => {
    const { pool, dialect, transitions } = breakerPool()
    await killThree(pool)
    expect(transitions.map((t) => `${t.node} ${t.from}->${t.to} ${t.reason}`)).toEqual(['sluice closed->open consecutive-failures'])
    const attempts = dialect.connectAttempts
    const error = await rejection(pool.query('SELECT 1'))
    expect(error).toBeInstanceOf(CircuitOpenError)
    expect(error).toMatchObject({ code: 'SLUICE_CIRCUIT_OPEN', node: 'sluice', retryAfterMillis: 1_000 })
    expect(((error as Error).cause as Error).message).toBe('terminating connection due to administrator command')
    await expect(pool.transaction(async () => 1)).rejects.toBeInstanceOf(CircuitOpenError)
    expect(dialect.connectAttempts).toBe(attempts)
    expect(pool.stats().breaker).toMatchObject({ node: 'sluice', state: 'open', opened: 1, rejected: 2, lastError: 'terminating connection due to administrator command' })
    await pool.close()
  })

  it('never opens on a user\'s SQL errors, however many', async () => {
    const { pool, transitions } = breakerPool()
    for (let i = 0; i < 50; i++) await rejection(pool.query('FAIL'))
    expect(transitions).toEqual([])
    // one connect and fifty answers
    expect(pool.stats().breaker).toMatchObject({ state: 'closed', consecutiveFailures: 0, windowCalls: 51, windowFailures: 0 })
    expect(await pool.query('SELECT 1')).toHaveLength(3)
    await pool.close()
  })

  it('counts failed connects; an acquire already waiting gets its PoolTimeoutError at its own bound, a new one fails at once', async () => {
    const { pool, dialect, clock } = breakerPool({ acquireTimeoutMillis: 5_000, createRetryInitialMillis: 10, createRetryMaxMillis: 10 })
    dialect.failConnect = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    const waiting = rejection(pool.query('SELECT 1'))
    await clock.advance(100)
    expect(pool.stats().breaker?.state).toBe('open')
    const attempts = dialect.connectAttempts
    expect(attempts).toBe(3)
    expect(await rejection(pool.query('SELECT 1'))).toBeInstanceOf(CircuitOpenError)
    await clock.advance(800)
    // open: the node is spared, nothing reconnects
    expect(dialect.connectAttempts).toBe(attempts)
    await clock.advance(4_100)
    const timedOut = await waiting
    expect(timedOut).toBeInstanceOf(PoolTimeoutError)
    expect((timedOut as Error).message).toMatch(/the database stub:\/\/test is unreachable: connect ECONNREFUSED/)
    await pool.close()
  })

  it('half-open: pings a new connection, then lets calls through and closes once halfOpenMaxCalls succeeded', async () => {
    const { pool, dialect, clock, transitions } = breakerPool({ min: 0 })
    await killThree(pool)
    const pings = dialect.pings
    await clock.advance(1_000)
    // the ping ran on a freshly opened connection and counted as the first success
    expect(dialect.pings).toBe(pings + 1)
    expect(pool.stats().breaker?.state).toBe('half-open')
    const conn = await pool.acquire()
    expect(pool.stats().breaker?.state).toBe('half-open')
    await conn.query('SELECT 1')
    expect(pool.stats().breaker?.state).toBe('closed')
    expect(transitions.map((t) => `${t.from}->${t.to} ${t.reason}`)).toEqual(['closed->open consecutive-failures', 'open->half-open recovery-timeout', 'half-open->closed trial-succeeded'])
    conn.release()
    expect(await pool.query('SELECT 1')).toHaveLength(3)
    await pool.close()
  })

  it('half-open: a failed ping opens it again for another recovery timeout', async () => {
    const { pool, dialect, clock, transitions } = breakerPool({ min: 0 })
    await killThree(pool)
    dialect.failConnect = new Error('connect ECONNREFUSED')
    await clock.advance(1_000)
    expect(pool.stats().breaker?.state).toBe('open')
    dialect.failConnect = undefined
    await clock.advance(1_000)
    await flush()
    expect(pool.stats().breaker?.state).toBe('half-open')
    expect(transitions.map((t) => t.reason)).toEqual(['consecutive-failures', 'recovery-timeout', 'half-open-failure', 'recovery-timeout'])
    await pool.close()
  })

  it('breaker.fallback answers reads while the primary is open; writes still fail at once', async () => {
    const seen: string[] = []
    const { pool, dialect } = breakerPool({
      breaker: {
        ...BREAKER,
        fallback: (sql, params, error) => {
          seen.push(`${sql} ${JSON.stringify(params)} ${error.code}`)
          return [{ cached: true }]
        },
      },
    })
    Object.assign(dialect, { classify: (sql: string) => (sql.startsWith('SELECT') ? 'read' : 'write') })
    await killThree(pool)
    expect(await pool.query('SELECT * FROM t WHERE id = $1', [7])).toEqual([{ cached: true }])
    expect(await rejection(pool.query('UPDATE t SET x = 1'))).toBeInstanceOf(CircuitOpenError)
    expect(seen).toEqual(['SELECT * FROM t WHERE id = $1 [7] SLUICE_CIRCUIT_OPEN'])
    await pool.close()
  })

  it('is absent with breaker: false', async () => {
    const { pool } = stubPool({ breaker: false })
    for (let i = 0; i < 10; i++) await rejection(pool.query('FATAL'))
    expect(pool.stats().breaker).toBeUndefined()
    expect(await pool.query('SELECT 1')).toHaveLength(3)
    await pool.close()
  })
})

describe('permanent connect errors', () => {
  /** A stub whose dialect calls 'password authentication failed' permanent. */
  function misconfigured() {
    const stub = stubPool({ acquireTimeoutMillis: 30_000, createRetryInitialMillis: 100, createRetryMaxMillis: 1_000 })
    const dialect = stub.dialect as StubDialect & { classifyConnectError(error: unknown): 'authentication' | 'transient' }
    dialect.classifyConnectError = (error) => ((error as Error).message.startsWith('password') ? 'authentication' : 'transient')
    dialect.failConnect = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' })
    return stub
  }

  it('fail every waiting acquire at once with PermanentConnectError, the driver\'s error as cause', async () => {
    const { pool, dialect } = misconfigured()
    const errors = await Promise.all([rejection(pool.query('SELECT 1')), rejection(pool.query('SELECT 1')), rejection(pool.acquire())])
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermanentConnectError)
      expect(error).toMatchObject({ code: 'SLUICE_CONNECT_PERMANENT', reason: 'authentication', database: 'stub://test' })
      expect((error as Error).cause).toBe(dialect.failConnect)
    }
    expect((errors[0] as Error).message).toBe(
      'sluice: cannot connect to stub://test: password authentication failed for user "app" (check the user and password; not retried automatically)',
    )
    // one connect per caller that came before the first answer, none after it
    expect(dialect.connectAttempts).toBe(3)
    await pool.close()
  })

  it('are not retried in a loop: a new acquire tries once, refilling min waits a long pause', async () => {
    const { pool, dialect, clock } = misconfigured()
    await rejection(pool.query('SELECT 1'))
    await clock.advance(30_000)
    expect(dialect.connectAttempts).toBe(1)
    await rejection(pool.query('SELECT 1'))
    expect(dialect.connectAttempts).toBe(2)
    // the password was fixed: the next acquire connects
    dialect.failConnect = undefined
    expect(await pool.query('SELECT 1')).toHaveLength(3)
    await pool.close()
  })

  it('a transient error after a permanent one goes back to the ordinary back-off', async () => {
    const { pool, dialect, clock } = misconfigured()
    await rejection(pool.query('SELECT 1'))
    dialect.failConnect = new Error('connect ECONNREFUSED')
    const waiting = pool.query('SELECT 1')
    await flush()
    expect(dialect.connectAttempts).toBe(2)
    dialect.failConnect = undefined
    await clock.advance(100)
    expect(await waiting).toHaveLength(3)
    await pool.close()
  })

  it('count against the breaker like any failed connect', async () => {
    const { pool, dialect } = stubPool({ breaker: { failureThreshold: 2 } })
    Object.assign(dialect, { classifyConnectError: () => 'authentication' })
    dialect.failConnect = new Error('password authentication failed')
    await rejection(pool.query('SELECT 1'))
    await rejection(pool.query('SELECT 1'))
    expect(await rejection(pool.query('SELECT 1'))).toBeInstanceOf(CircuitOpenError)
    expect(dialect.connectAttempts).toBe(2)
    await pool.close()
  })
})

describe('what the breaker counts', () => {
  it('a statement killed mid-flight once; a successful reconnect as the node answering', async () => {
    const { pool } = breakerPool()
    const conn = await pool.acquire()
    await rejection(conn.query('FATAL'))
    conn.release()
    expect(pool.stats().breaker).toMatchObject({ consecutiveFailures: 1, windowCalls: 2, windowFailures: 1 })
    await pool.query('SELECT 1')
    expect(pool.stats().breaker).toMatchObject({ consecutiveFailures: 0, windowCalls: 4, windowFailures: 1 })
    await pool.close()
  })

  it('an onConnect that throws is the application\'s error, not the node\'s', async () => {
    const { pool, clock } = breakerPool({
      acquireTimeoutMillis: 2_000,
      onConnect: () => {
        throw new Error('relation "settings" does not exist')
      },
    })
    const waiting = rejection(pool.acquire())
    await clock.advance(2_000)
    expect(await waiting).toBeInstanceOf(PoolTimeoutError)
    expect(pool.stats().connections.failed).toBeGreaterThanOrEqual(5)
    expect(pool.stats().breaker).toMatchObject({ state: 'closed', windowFailures: 0 })
    await pool.close()
  })
})
