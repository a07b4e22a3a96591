import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { postgres } from '../../src/dialects/pg/index.js'
import { createPool, type Pool } from '../../src/pool.js'
import { PG_URL } from '../support/databases.js'

/**
 * `pool.query()` on PostgreSQL takes one promise from the pool to pg's
 * callback (`Dialect.runThen`) when an idle connection is there and no
 * timeout applies; with a timeout it takes the statement rule's ordinary
 * way. Both must give the same answers as pg itself, and the same
 * bookkeeping.
 */
const pools: Pool[] = []
const client = new pg.Client({ connectionString: PG_URL })
let connected: Promise<unknown> | undefined

/** Statements that took the one-promise path, by the pool of `openPool()`. */
const oneStep = new WeakMap<Pool, { count: number }>()

/** A pool with one connection open, and a count of the statements that took `runThen`. */
async function openPool(): Promise<Pool> {
  const dialect = postgres({ connectionString: PG_URL })
  const counted = { count: 0 }
  const runThen = dialect.runThen!.bind(dialect)
  const run = dialect.run.bind(dialect)
  dialect.runThen = (...args) => {
    counted.count++
    return runThen(...args)
  }
  // run() is runThen() with an end that changes nothing: not the pool's one-promise path
  dialect.run = (...args) => {
    counted.count--
    return run(...args)
  }
  const pool = createPool({ dialect, min: 1, max: 2, log: false })
  pools.push(pool)
  oneStep.set(pool, counted)
  await pool.ready()
  return pool
}

function oneStepCount(pool: Pool): number {
  return oneStep.get(pool)!.count
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()))
  if (connected) await client.end()
})

async function stock(sql: string, params?: unknown[]): Promise<unknown> {
  connected ??= client.connect()
  await connected
  const output = (await client.query(sql, params)) as pg.QueryResult | pg.QueryResult[]
  const last = Array.isArray(output) ? output[output.length - 1]! : output
  return last.rows
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() }
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    return { code, message }
  }
}

const STATEMENTS: ReadonlyArray<readonly [string, unknown[]?]> = [
  ['SELECT 1 AS one'],
  ['SELECT $1::int AS n, $2::text AS t', [7, 'x']],
  ["SELECT generate_series(1, 3) AS g, 'a' || generate_series(1, 3) AS s"],
  ['SELECT 1 AS a; SELECT 2 AS b'],
  ['SELECT NULL::int AS nothing WHERE false'],
  ['SELECT nope_column'],
  ['SELECT $1::int AS n', ['not a number']],
]

describe('pool.query() on the one-promise path', () => {
  it('differential: the same rows and errors as pg itself and as the ordinary (timed) way', async () => {
    const pool = await openPool()
    for (const [sql, params] of STATEMENTS) {
      const fast = await outcome(() => pool.query(sql, params))
      const timed = await outcome(() => pool.query(sql, params, { timeoutMillis: 60_000 }))
      const own = await outcome(() => stock(sql, params))
      expect(fast, sql).toEqual(own)
      expect(timed, sql).toEqual(own)
    }
    const series = 'SELECT generate_series(1, 2) AS g'
    expect(await pool.query(series, undefined, { fetch: 'one' })).toEqual(await pool.query(series, undefined, { fetch: 'one', timeoutMillis: 60_000 }))
    expect(await pool.query(series, undefined, { fetch: 'none' })).toEqual(await pool.query(series, undefined, { fetch: 'none', timeoutMillis: 60_000 }))
    expect(await pool.query(series, undefined, { fetch: 'many' })).toEqual(await pool.query(series, undefined, { fetch: 'many', timeoutMillis: 60_000 }))
    const arrays = await pool.query('SELECT 1 AS a, 2 AS b', undefined, { rowMode: 'array' })
    expect(arrays).toEqual([[1, 2]])
    // every untimed statement took the one-promise path (the timed ones run through run())
    expect(oneStepCount(pool)).toBe(STATEMENTS.length + 3 + 1)
  })

  it('keeps the bookkeeping: statements and errors counted, the connection given back and reused', async () => {
    const pool = await openPool()
    const pid = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', undefined, { fetch: 'one' })
    const before = pool.stats()
    await pool.query('SELECT 1')
    await expect(pool.query('SELECT nope_column')).rejects.toMatchObject({ code: '42703' })
    const after = pool.stats()
    expect(after.queries.executed - before.queries.executed).toBe(2)
    expect(after.queries.errors - before.queries.errors).toBe(1)
    expect(after.currentState.activeConnections).toBe(0)
    // a user's SQL error leaves the connection healthy: the same one serves the next statement
    expect(await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', undefined, { fetch: 'one' })).toEqual(pid)
  })

  it('fails with pg’s error, settled, its stack leading back to the caller', async () => {
    const pool = await openPool()
    async function callerOfPoolQuery(): Promise<unknown> {
      return await pool.query('SELECT nope_in_pool_query')
    }
    const error = (await callerOfPoolQuery().then(
      () => undefined,
      (reason: unknown) => reason,
    )) as Error & { code?: string }
    expect(error).toBeInstanceOf(pg.DatabaseError)
    expect(error.code).toBe('42703')
    expect(error.stack).toContain('callerOfPoolQuery')
    expect(error.stack).not.toContain('onStreamRead')
    expect(oneStepCount(pool)).toBe(1)
  })

  it('leaves a transaction begun by pool.query() to the connection’s reset', async () => {
    const pool = await openPool()
    // a BEGIN through pool.query() is given back inside a transaction: the give-back rolls it back
    await pool.query('BEGIN')
    expect(await pool.query<{ n: number }>('SELECT 1 AS n', undefined, { fetch: 'one' })).toEqual({ n: 1 })
    const lease = await pool.acquire()
    try {
      expect(lease.inTransaction()).toBe(false)
    } finally {
      lease.release()
    }
  })
})
