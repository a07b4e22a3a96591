import { afterEach, describe, expect, it } from 'vitest'
import type { PoolOptions } from '../../src/config/pool-config.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { BatchNotRunError, PipelineFullError } from '../../src/pipeline/pipeline-errors.js'
import type { PipelineStrategy } from '../../src/config/pipeline-config.js'
import { createPool, type Pool } from '../../src/pool.js'
import { PG_URL } from '../support/databases.js'
import { selectedTargets, type Target } from '../support/targets.js'
import { wireCountedPools } from '../support/wire-counted-pools.js'

/**
 * Pipelines against each real database: what each strategy leaves in the
 * table when a statement in the middle fails, results reaching the right
 * caller, flushing, backpressure. On PostgreSQL also the wire: one
 * ReadyForQuery for a whole batch, counted by a TCP proxy, and implicit
 * pipelining of `pool.query()` under load.
 */
const TABLE = 'pipe_items'

function intSelect(target: Target): string {
  switch (target.name) {
    case 'postgres':
      return 'SELECT $1::int AS n'
    case 'mysql':
      return 'SELECT CAST(? AS SIGNED) AS n'
    case 'sqlite':
      return 'SELECT ? AS n'
  }
}

for (const target of selectedTargets()) {
  describe(`pipeline on ${target.name}`, () => {
    const pools: Pool[] = []
    const open = (options: Partial<PoolOptions> = {}): Pool => {
      const pool = createPool({ dialect: target.dialect(), min: 0, max: 4, log: () => {}, ...options })
      pools.push(pool)
      return pool
    }
    afterEach(async () => {
      await Promise.all(pools.splice(0).map((pool) => pool.close()))
    })

    const insert = `INSERT INTO ${TABLE} (id, note) VALUES (${target.p(1)}, ${target.p(2)})`
    async function freshTable(pool: Pool): Promise<void> {
      await pool.query(`DROP TABLE IF EXISTS ${TABLE}`)
      await pool.query(`CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY, note VARCHAR(20))`)
    }
    async function ids(pool: Pool): Promise<number[]> {
      return (await pool.query<{ id: unknown }>(`SELECT id FROM ${TABLE} ORDER BY id`)).map((row) => Number(row.id))
    }
    /** Five inserts; the third repeats the first id. */
    async function runWithFailureInTheMiddle(pool: Pool, strategy: PipelineStrategy): Promise<string[]> {
      const pipe = pool.pipeline({ batchSize: 5, strategy })
      const settled = await Promise.allSettled([1, 2, 1, 4, 5].map((id, i) => pipe.add(insert, [id, `row ${i}`])))
      const report = await pipe.close()
      expect(report.items.map((item) => item.status)).toEqual(
        settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof BatchNotRunError ? s.reason.status : 'error')),
      )
      return report.items.map((item) => item.status)
    }

    it('sequential: statements before the failure persist, the failure is its own, the rest never run', async () => {
      const pool = open()
      await freshTable(pool)
      expect(await runWithFailureInTheMiddle(pool, 'sequential')).toEqual(['ok', 'ok', 'error', 'not-run', 'not-run'])
      expect(await ids(pool)).toEqual([1, 2])
    })

    it('transactional: nothing persists, the others are reported rolled back', async () => {
      const pool = open()
      await freshTable(pool)
      expect(await runWithFailureInTheMiddle(pool, 'transactional')).toEqual(['rolled-back', 'rolled-back', 'error', 'rolled-back', 'rolled-back'])
      expect(await ids(pool)).toEqual([])
      // and all of it when nothing fails
      const pipe = pool.pipeline({ batchSize: 3, strategy: 'transactional' })
      await Promise.all([7, 8, 9].map((id) => pipe.add(insert, [id, 'ok'])))
      expect(await ids(pool)).toEqual([7, 8, 9])
    })

    it('best-effort: every statement but the failed one persists', async () => {
      const pool = open()
      await freshTable(pool)
      expect(await runWithFailureInTheMiddle(pool, 'best-effort')).toEqual(['ok', 'ok', 'error', 'ok', 'ok'])
      expect(await ids(pool)).toEqual([1, 2, 4, 5])
    })

    it('the failed statement\'s add() gets the database error; the skipped ones name it', async () => {
      const pool = open()
      await freshTable(pool)
      const pipe = pool.pipeline({ batchSize: 3, strategy: 'sequential' })
      const [first, dup, after] = [1, 1, 2].map((id) => pipe.add(insert, [id, 'x']))
      await expect(first).resolves.toMatchObject({ index: 0, affectedRows: 1 })
      await expect(dup).rejects.toThrow(/duplicate|unique/i)
      await expect(after).rejects.toMatchObject({ status: 'not-run', failedIndex: 1 })
    })

    it('resolves 200 reads each with its own row, across batches and connections', async () => {
      const pool = open()
      for (const strategy of ['sequential', 'best-effort', 'parallel'] as const) {
        const pipe = pool.pipeline({ batchSize: 32, strategy, flushIntervalMillis: 1 })
        const results = await Promise.all(Array.from({ length: 200 }, (_, n) => pipe.add(intSelect(target), [n])))
        expect(results.map((r) => Number(r.rows[0]?.n))).toEqual(Array.from({ length: 200 }, (_, n) => n))
        expect(results.every((r, n) => r.index === n)).toBe(true)
      }
    })

    it('maps results as run() does (rows, affected rows, fields)', async () => {
      const pool = open()
      await freshTable(pool)
      const pipe = pool.pipeline({ batchSize: 2, strategy: 'best-effort' })
      const [written, read] = await Promise.all([pipe.add(insert, [1, 'one']), pipe.add(`SELECT id, note FROM ${TABLE}`)])
      expect(written.affectedRows).toBe(1)
      expect(read.rows).toEqual((await pool.execute(`SELECT id, note FROM ${TABLE}`)).rows)
      expect(read.fields?.map((f) => f.name)).toEqual(['id', 'note'])
    })

    it('flushes at batchSize at once, and a partial batch after flushIntervalMillis', async () => {
      const pool = open()
      const full = pool.pipeline({ batchSize: 4, flushIntervalMillis: 60_000 })
      await Promise.all([1, 2, 3, 4].map((n) => full.add(intSelect(target), [n])))
      const timed = pool.pipeline({ batchSize: 100, flushIntervalMillis: 50 })
      const started = Date.now()
      await timed.add(intSelect(target), [1])
      expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    })

    it('applies backpressure: waits for room by default, refuses with onFull "error"', async () => {
      const pool = open()
      const waiting = pool.pipeline({ batchSize: 2, maxQueueSize: 2, flushIntervalMillis: 1 })
      const adds = Array.from({ length: 9 }, (_, n) => waiting.add(intSelect(target), [n]))
      expect(waiting.pending).toBe(9)
      expect((await Promise.all(adds)).map((r) => Number(r.rows[0]?.n))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])

      const refusing = pool.pipeline({ batchSize: 2, maxQueueSize: 2, onFull: 'error', flushIntervalMillis: 1 })
      const kept = [refusing.add(intSelect(target), [1]), refusing.add(intSelect(target), [2])]
      await expect(refusing.add(intSelect(target), [3])).rejects.toBeInstanceOf(PipelineFullError)
      expect((await Promise.all(kept)).map((r) => Number(r.rows[0]?.n))).toEqual([1, 2])
    })
  })
}

const onPostgres = selectedTargets().some((t) => t.name === 'postgres')

describe.runIf(onPostgres)('pipeline on the PostgreSQL wire', () => {
  const { counter, open: openWith, track } = wireCountedPools(PG_URL, { max: 4 }, { applicationName: 'sluice_pipe_test' })
  const open = (options: Partial<PoolOptions> = {}, url?: string): Pool => openWith(options, {}, url)

  it('sends a sequential batch of 100 statements in one write and gets one ReadyForQuery back', async () => {
    const pool = open({ max: 1 })
    await pool.query(`DROP TABLE IF EXISTS pipe_wire`)
    await pool.query(`CREATE TABLE pipe_wire (id INTEGER PRIMARY KEY)`)
    const pipe = pool.pipeline({ batchSize: 100, strategy: 'sequential' })
    counter.reset()
    await Promise.all(Array.from({ length: 100 }, (_, n) => pipe.add('INSERT INTO pipe_wire (id) VALUES ($1)', [n])))
    expect(counter.readyForQuery).toBe(1)
    expect(counter.clientWrites).toBeLessThanOrEqual(2)

    counter.reset()
    for (let n = 100; n < 200; n++) await pool.query('INSERT INTO pipe_wire (id) VALUES ($1)', [n])
    // one each, and maybe a statement-cache round trip more
    expect(counter.readyForQuery).toBeGreaterThanOrEqual(100)
    expect(counter.clientWrites).toBeGreaterThanOrEqual(100)
    expect(await pool.query('SELECT count(*)::int AS n FROM pipe_wire', [], { fetch: 'one' })).toEqual({ n: 200 })
  })

  it('sends a best-effort batch in one write: one ReadyForQuery per statement, all in one read', async () => {
    const pool = open({ max: 1 })
    const pipe = pool.pipeline({ batchSize: 50, strategy: 'best-effort' })
    await pool.query('SELECT 1')
    counter.reset()
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => pipe.add(n === 20 ? 'SELECT 1/0' : 'SELECT $1::int AS n', [n])))
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1)
    expect(counter.readyForQuery).toBe(50)
    expect(counter.clientWrites).toBeLessThanOrEqual(2)
  })

  it('leaves the connection usable and idle after every mode, including failures', async () => {
    const pool = open({ max: 1 })
    for (const strategy of ['sequential', 'transactional', 'best-effort'] as const) {
      const pipe = pool.pipeline({ batchSize: 3, strategy })
      await Promise.allSettled([pipe.add('SELECT 1'), pipe.add('SELECT 1/0'), pipe.add('SELECT 2')])
      const conn = await pool.acquire()
      expect(conn.inTransaction()).toBe(false)
      expect(await conn.query('SELECT $1::text AS t', ['still fine'])).toEqual([{ t: 'still fine' }])
      conn.release()
    }
  })

  describe('implicit pipelining', () => {
    it('64 callers on 10 connections each get their own result; a failing statement fails only its caller', async () => {
      const pool = open({ max: 10, implicitPipelining: true })
      counter.reset()
      const calls = Array.from({ length: 64 }, (_, n) => (n === 33 ? pool.query('SELECT 1 / ($1::int - 33) AS n', [n]) : pool.query<{ n: number }>('SELECT $1::int AS n', [n])))
      const settled = await Promise.allSettled(calls)
      settled.forEach((s, n) => {
        if (n === 33) expect(s).toMatchObject({ status: 'rejected', reason: { message: 'division by zero' } })
        else expect(s).toEqual({ status: 'fulfilled', value: [{ n }] })
      })
      expect(pool.stats().currentState.totalConnections).toBeLessThanOrEqual(10)
      // again on warm connections: now callers outnumber them from the start
      for (let round = 0; round < 3; round++) {
        const values = await Promise.all(Array.from({ length: 64 }, (_, n) => pool.query<{ n: number }>('SELECT $1::int AS n', [n * 7 + round], { fetch: 'one' })))
        expect(values.map((v) => v?.n)).toEqual(Array.from({ length: 64 }, (_, n) => n * 7 + round))
      }
      // every connection is back, idle and outside a transaction
      expect(pool.stats().currentState).toMatchObject({ activeConnections: 0 })
    })

    it('each pipelined write commits on its own: failing neighbours in the same pipe roll back none of them', async () => {
      const pool = open({ max: 4, implicitPipelining: { maxDepth: 32 } })
      await pool.query('DROP TABLE IF EXISTS pipe_isolated')
      await pool.query('CREATE TABLE pipe_isolated (id int PRIMARY KEY, caller int NOT NULL)')
      await pool.query('INSERT INTO pipe_isolated VALUES (1000, -1)')
      counter.reset()
      // 96 callers on 4 connections: every pipe carries writes that succeed and writes that fail (duplicate key) side by side
      const calls = Array.from({ length: 96 }, (_, n) => pool.query('INSERT INTO pipe_isolated (id, caller) VALUES ($1, $2)', [n % 3 === 0 ? 1000 : n, n], { fetch: 'none' }))
      const settled = await Promise.allSettled(calls)
      // pipelined indeed: fewer writes than statements, yet one ReadyForQuery (Sync) each (plus those of connections opened meanwhile)
      expect(counter.clientWrites).toBeLessThan(96)
      expect(counter.readyForQuery).toBeGreaterThanOrEqual(96)
      settled.forEach((s, n) => {
        if (n % 3 === 0) expect(s).toMatchObject({ status: 'rejected', reason: { code: '23505' } })
        else expect(s).toEqual({ status: 'fulfilled', value: { affectedRows: 1 } })
      })
      const rows = await pool.query<{ id: number; caller: number }>('SELECT id, caller FROM pipe_isolated WHERE id < 1000 ORDER BY id')
      expect(rows).toEqual(Array.from({ length: 96 }, (_, n) => n).filter((n) => n % 3 !== 0).map((n) => ({ id: n, caller: n })))
      await pool.query('DROP TABLE pipe_isolated')
    })

    it('never runs a pipelined statement inside a borrowed connection or its open transaction', async () => {
      const pool = open({ max: 3, implicitPipelining: { maxDepth: 32 } })
      await pool.query('DROP TABLE IF EXISTS pipe_tx')
      await pool.query('CREATE TABLE pipe_tx (id int PRIMARY KEY)')
      const tx = await pool.acquire()
      await tx.query('BEGIN')
      await tx.query('INSERT INTO pipe_tx VALUES (1)')
      const held = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', [], { fetch: 'one' })
      // the pool is saturated by the two other connections: 64 callers pipeline on them, never on the held one
      counter.reset()
      const seen = await Promise.all(
        Array.from({ length: 64 }, (_, n) =>
          pool.query<{ n: number; pid: number; visible: string }>('SELECT $1::int AS n, pg_backend_pid() AS pid, (SELECT count(*) FROM pipe_tx)::text AS visible', [n], { fetch: 'one' }),
        ),
      )
      expect(seen.map((r) => r?.n)).toEqual(Array.from({ length: 64 }, (_, n) => n))
      expect(seen.every((r) => r?.pid !== held?.pid && r?.visible === '0')).toBe(true)
      expect(counter.clientWrites).toBeLessThan(64)
      // the transaction is still the borrower's own, and still open
      expect(tx.inTransaction()).toBe(true)
      await tx.query('ROLLBACK')
      tx.release()
      expect(await pool.query('SELECT count(*)::int AS n FROM pipe_tx', [], { fetch: 'one' })).toEqual({ n: 0 })
      await pool.query('DROP TABLE pipe_tx')
    })

    it('a killed backend fails only the statements on its connection, and the pool recovers', async () => {
      // the pipeliner's own recovery, not the breaker's (the many statements killed at once would open it)
      const pool = open({ max: 4, implicitPipelining: { maxDepth: 32 }, breaker: false }, PG_URL)
      await Promise.all(Array.from({ length: 8 }, () => pool.query('SELECT 1')))
      const calls = Array.from({ length: 32 }, (_, n) => pool.query<{ n: number; pid: number }>('SELECT $1::int AS n, pg_backend_pid() AS pid FROM pg_sleep(0.1)', [n], { fetch: 'one' }))
      // handled from the start: some fail while the test is still busy killing
      const outcome = Promise.allSettled(calls)
      const admin = track(createPool({ dialect: postgres({ connectionString: PG_URL }), min: 0, max: 1, log: () => {} }))
      await new Promise((resolve) => setTimeout(resolve, 150))
      const active = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'sluice_pipe_test' AND state = 'active' AND query LIKE '%pg_sleep(0.1)%' ORDER BY pid LIMIT 1",
      )
      expect(active).toHaveLength(1)
      const victim = active[0]!.pid
      await admin.query('SELECT pg_terminate_backend($1)', [victim])
      const settled = await outcome
      const failed = settled.filter((s) => s.status === 'rejected')
      const succeeded = settled.filter((s): s is PromiseFulfilledResult<{ n: number; pid: number } | undefined> => s.status === 'fulfilled')
      expect(failed.length).toBeGreaterThan(0)
      expect(succeeded.length).toBeGreaterThan(0)
      // every failure is the connection's fatal error; the other connections' statements all succeeded
      // (32 callers spread over 4 connections: the killed one had about a quarter in flight)
      for (const f of failed) expect(String((f as PromiseRejectedResult).reason.message)).toMatch(/terminat/i)
      expect(failed.length).toBeLessThanOrEqual(16)
      expect(new Set(succeeded.map((s) => s.value?.pid).filter((pid) => pid !== victim)).size).toBe(3)
      succeeded.forEach((s) => expect(s.value?.n).toBe(settled.indexOf(s)))
      // the pool replaced the connection
      const after = await Promise.all(Array.from({ length: 16 }, (_, n) => pool.query<{ n: number }>('SELECT $1::int AS n', [n], { fetch: 'one' })))
      expect(after.map((r) => r?.n)).toEqual(Array.from({ length: 16 }, (_, n) => n))
    })
  })
})
