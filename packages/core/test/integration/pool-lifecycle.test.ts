import { afterEach, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../src/pool.js'
import { PoolTimeoutError } from '../../src/errors/pool-timeout-error.js'
import type { PoolOptions } from '../../src/config/pool-config.js'
import { TEST_PASSWORD } from '../support/databases.js'
import { selectedTargets, until } from '../support/targets.js'

/**
 * The pool's lifecycle against each real database: lending, recycling,
 * failures of the server, session hygiene. SQLite has no server sessions to
 * kill, so the kill tests are declared for the servers only.
 */
for (const target of selectedTargets()) {
  describe(`pool lifecycle on ${target.name}`, () => {
    const pools: Pool[] = []
    const logs: string[] = []
    const open = (options: Partial<PoolOptions> = {}) => {
      const pool = createPool({ dialect: target.dialect(), min: 0, max: 3, log: (level, message) => logs.push(`${level}: ${message}`), ...options })
      pools.push(pool)
      return pool
    }
    afterEach(async () => {
      await Promise.all(pools.splice(0).map((pool) => pool.close()))
      // secrets never reach the logs
      expect(logs.join('\n')).not.toContain(TEST_PASSWORD)
      logs.length = 0
    })

    const backendId = async (conn: { query: Pool['query'] }) =>
      Number(((await conn.query(target.backendIdSql!, [], { fetch: 'one' })) as { id: unknown }).id)

    it('pre-warms min, lends, runs statements and reports measured stats', async () => {
      const pool = open({ min: 2 })
      await pool.ready()
      expect(pool.stats().currentState).toMatchObject({ totalConnections: 2, availableConnections: 2 })
      const rows = await pool.query(`SELECT 1 + ${target.p(1)} AS two`, [1], { fetch: 'one' })
      expect(Number((rows as { two: unknown }).two)).toBe(2)
      const stats = pool.stats()
      expect(stats.queries.executed).toBe(1)
      expect(stats.connections.created).toBe(2)
      expect(stats.performance.avgQueryTimeMs).toBeGreaterThan(0)
      expect(stats.pool.database).not.toContain(TEST_PASSWORD)
      expect(JSON.stringify(stats)).not.toContain(TEST_PASSWORD)
    })

    it("takes pg's object form { text, values } (and mysql2's { sql, values }), values bound", async () => {
      const pool = open()
      const sql = `SELECT ${target.p(1)} AS word`
      // a value that would break the statement if it were spliced into the text
      const word = "it's; DROP TABLE x"
      expect(await pool.query({ text: sql, values: [word] }, undefined, { fetch: 'one' })).toEqual({ word })
      expect(await pool.query({ sql, values: [word] }, undefined, { fetch: 'one' })).toEqual({ word })
      await pool.withConnection(async (conn) => {
        expect((await conn.execute({ text: sql, values: [word] })).rows).toEqual([{ word }])
      })
    })

    it('commits a transaction, and rolls it back when the callback throws', async () => {
      const pool = open()
      const table = `it_tx_${target.name}`
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, note VARCHAR(20))`)
      await pool.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id, note) VALUES (${target.p(1)}, ${target.p(2)})`, [1, 'kept'])
      })
      await expect(
        pool.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} (id, note) VALUES (${target.p(1)}, ${target.p(2)})`, [2, 'dropped'])
          throw new Error('changed my mind')
        }),
      ).rejects.toThrow('changed my mind')
      expect(await pool.query(`SELECT id, note FROM ${table} ORDER BY id`)).toEqual([{ id: 1, note: 'kept' }])
      // a failing statement inside the transaction rolls it all back, and the error is the driver's own
      await expect(
        pool.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} (id, note) VALUES (${target.p(1)}, ${target.p(2)})`, [3, 'x'])
          await tx.query(`INSERT INTO ${table} (id, note) VALUES (${target.p(1)}, ${target.p(2)})`, [1, 'duplicate'])
        }),
      ).rejects.toThrow()
      expect(await pool.query(`SELECT COUNT(*) AS n FROM ${table}`, [], { fetch: 'one' })).toEqual({ n: target.name === 'postgres' ? '1' : 1 })
      expect(pool.stats().currentState.healthScores).toSatisfy((scores: Record<string, number>) => Object.values(scores).every((s) => s === 100))
      await pool.query(`DROP TABLE ${table}`)
    })

    it('rolls back a connection returned inside an open transaction before anyone else gets it', async () => {
      const pool = open({ max: 1 })
      const table = `it_dirty_${target.name}`
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INTEGER)`)
      const conn = await pool.acquire()
      await conn.query(pool.config.dialect.beginStatement ?? 'BEGIN')
      await conn.query(`INSERT INTO ${table} (id) VALUES (1)`)
      expect(conn.inTransaction()).toBe(true)
      conn.release()
      const next = await pool.acquire()
      expect(next.inTransaction()).toBe(false)
      expect(await next.query(`SELECT COUNT(*) AS n FROM ${table}`, [], { fetch: 'one' })).toEqual({ n: target.name === 'postgres' ? '0' : 0 })
      next.release()
      await pool.query(`DROP TABLE ${table}`)
    })

    it('times out an acquire on an exhausted pool with the counts in the message', async () => {
      const pool = open({ max: 2, acquireTimeoutMillis: 150 })
      const held = [await pool.acquire(), await pool.acquire()]
      const error = await pool.acquire().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PoolTimeoutError)
      expect((error as Error).message).toMatch(/request timed out after 1[5-9]\dms \(total=2, active=2, idle=0, waiting=0, max=2\)$/)
      for (const conn of held) conn.release()
      expect(await pool.query('SELECT 1 AS one', [], { fetch: 'one' })).toBeTruthy()
    })

    it('warns with the acquiring stack when a connection is held past the leak threshold', async () => {
      const pool = open({ leakDetectionThresholdMillis: 50, housekeepingIntervalMillis: 10 })
      const conn = await pool.acquire()
      await until(() => logs.some((l) => l.includes('possible leak')), 'a leak warning')
      const warning = logs.find((l) => l.includes('possible leak'))!
      expect(warning).toContain(`connection ${conn.id} has been held for`)
      expect(warning).toContain('pool-lifecycle.test.ts')
      conn.release()
    })

    it('recycles connections at max lifetime and replaces them without a stall', async () => {
      const pool = open({ min: 2, max: 2, maxLifetimeMillis: 200, housekeepingIntervalMillis: 20 })
      await pool.ready()
      const first = Object.keys(pool.stats().currentState.healthScores)
      await until(() => pool.stats().connections.recycled >= 2, 'two recycles')
      await until(() => pool.stats().currentState.totalConnections === 2, 'min refilled')
      const now = Object.keys(pool.stats().currentState.healthScores)
      expect(now.some((id) => first.includes(id))).toBe(false)
      expect(await pool.query('SELECT 1 AS one', [], { fetch: 'one' })).toBeTruthy()
    })

    it('health-checks idle connections against the database', async () => {
      const pool = open({ min: 1, max: 1, healthCheckIntervalMillis: 30, housekeepingIntervalMillis: 10, healthCheckQuery: 'SELECT 2' })
      await pool.ready()
      const conn = await pool.acquire()
      // bring the score down by hand is impossible; instead watch checks pass and keep it at 100
      conn.release()
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(Object.values(pool.stats().currentState.healthScores)).toEqual([100])
      expect(pool.stats().connections.recycled).toBe(0)
    })

    if (target.kill) {
      const kill = target.kill
      it('replaces a connection whose backend is killed while idle, without crashing', async () => {
        const pool = open({ min: 1, max: 1 })
        const errors: string[] = []
        pool.on('error', (error, id) => errors.push(`${id}`))
        const conn = await pool.acquire()
        const id = await backendId(conn)
        conn.release()
        await kill(id)
        await until(() => errors.length === 1, 'the error event')
        expect(errors).toEqual([conn.id])
        await until(() => pool.stats().currentState.totalConnections === 1, 'a replacement')
        const next = await pool.acquire()
        expect(next.id).not.toBe(conn.id)
        expect(await backendId(next)).not.toBe(id)
        next.release()
        expect(pool.stats().connections.recycled).toBe(1)
      })

      it('fails the running statement when its backend is killed mid-query, then closes that connection', async () => {
        const pool = open({ max: 1 })
        const conn = await pool.acquire()
        const id = await backendId(conn)
        const running = conn.query(target.sleepSql!(5)).catch((e: unknown) => e)
        await new Promise((resolve) => setTimeout(resolve, 100))
        await kill(id)
        const error = await running
        expect(error).toBeInstanceOf(Error)
        expect(conn.healthScore).toBe(0)
        expect(pool.config.dialect.isFatal(error)).toBe(true)
        conn.release()
        const next = await pool.acquire()
        expect(await backendId(next)).not.toBe(id)
        expect(next.healthScore).toBe(100)
        next.release()
      })

      it('times out acquires with the connection error as cause while the database is unreachable', async () => {
        const pool = createPool({
          dialect: target.name === 'postgres'
            ? (await import('../../src/dialects/pg/index.js')).postgres({ host: '127.0.0.1', port: 1, user: 'sluice', password: TEST_PASSWORD, database: 'sluice' })
            : (await import('../../src/dialects/mysql2/index.js')).mysql({ host: '127.0.0.1', port: 1, user: 'sluice', password: TEST_PASSWORD, database: 'sluice' }),
          min: 1,
          max: 2,
          acquireTimeoutMillis: 300,
          log: (level, message) => logs.push(`${level}: ${message}`),
        })
        pools.push(pool)
        const error = (await pool.acquire().catch((e: unknown) => e)) as PoolTimeoutError
        expect(error).toBeInstanceOf(PoolTimeoutError)
        expect(error.message).toContain('total=0, active=0')
        expect(error.message).toContain('ECONNREFUSED')
        expect(error.message).not.toContain(TEST_PASSWORD)
        expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED')
        expect(pool.stats().connections.failed).toBeGreaterThanOrEqual(1)
        await expect(pool.ready()).rejects.toThrow()
      })
    }
  })
}
