import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { PoolOptions } from '../../src/config/pool-config.js'
import type { Dialect } from '../../src/dialect.js'
import { BetterSqlite3Dialect } from '../../src/dialects/better-sqlite3/index.js'
import type { SqliteDialectConfig } from '../../src/dialects/better-sqlite3/better-sqlite3-dialect-config.js'
import type { SqliteDatabase } from '../../src/dialects/better-sqlite3/better-sqlite3-driver-types.js'
import { Mysql2Dialect, type MysqlDialectConfig } from '../../src/dialects/mysql2/index.js'
import type { Mysql2Connection } from '../../src/dialects/mysql2/mysql2-driver-types.js'
import { PgDialect, type PostgresDialectConfig } from '../../src/dialects/pg/index.js'
import type { PgClient } from '../../src/dialects/pg/pg-driver-types.js'
import { createPool, type Pool } from '../../src/pool.js'
import { MYSQL_URL, PG_URL } from '../support/databases.js'

/** PgBouncer 1.18 in transaction mode in front of PG_URL's server (test/services/pgbouncer.sh). */
const PGBOUNCER_URL = process.env.SLUICE_TEST_PGBOUNCER_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:6432/sluice'

const pools: Pool[] = []
const rawCleanups: Array<() => Promise<void>> = []

function openPool(dialect: Dialect<any>, options: Partial<PoolOptions> = {}): Pool {
  const pool = createPool({ dialect, min: 0, max: 1, log: false, ...options })
  pools.push(pool)
  return pool
}

/** A connection straight from the dialect, closed after the test. */
async function rawConnection<Raw>(dialect: Dialect<Raw>): Promise<Raw> {
  const raw = await dialect.connect()
  rawCleanups.push(() => dialect.close(raw))
  return raw
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
  await Promise.all(rawCleanups.splice(0).map((close) => close()))
})

function statements(pool: Pool): { size: number; hits: number; misses: number; evictions: number } {
  const { size, hits, misses, evictions } = pool.stats().statements
  return { size, hits, misses, evictions }
}

/** Process warnings emitted while `fn` runs (emitWarning delivers them on the next tick). */
async function collectWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: Error[] }> {
  const warnings: Error[] = []
  const listener = (warning: Error): void => {
    warnings.push(warning)
  }
  process.on('warning', listener)
  try {
    const result = await fn()
    await new Promise((resolve) => setImmediate(resolve))
    return { result, warnings }
  } finally {
    process.off('warning', listener)
  }
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

describe('statement cache on postgres', () => {
  const postgres = (config: Omit<PostgresDialectConfig, 'connectionString'> = {}): PgDialect =>
    new PgDialect({ connectionString: PG_URL, statementCacheSize: 3, ...config })

  const preparedCount = async (conn: { query: Pool['query'] }): Promise<number> =>
    ((await conn.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'sluice\\_%'", [], { fetch: 'one' })) as { n: number }).n

  it('hits on a repeated parameterized statement, with exact counts in pool.stats()', async () => {
    const pool = openPool(postgres())
    for (let i = 0; i < 5; i++) expect(await pool.query('SELECT $1::int AS n', [i])).toEqual([{ n: i }])
    expect(statements(pool)).toEqual({ size: 1, hits: 4, misses: 1, evictions: 0 })
    await pool.query('SELECT $1::text AS t', ['x'])
    await pool.query('SELECT $1::text AS t', ['y'])
    // parameterless statements stay out of the cache by default
    await pool.query('SELECT 1 AS one')
    expect(statements(pool)).toEqual({ size: 2, hits: 5, misses: 2, evictions: 0 })
    expect(pool.stats().statements.hitRate).toBeCloseTo(5 / 7)
  })

  it('deallocates the least recently used statement at capacity', async () => {
    const pool = openPool(postgres())
    await pool.withConnection(async (conn) => {
      for (let i = 1; i <= 6; i++) {
        expect(await conn.query(`SELECT $1::int + ${i} AS n`, [1], { fetch: 'one' })).toEqual({ n: 1 + i })
        // on the same session: the server never holds more than the capacity
        expect(await preparedCount(conn)).toBe(Math.min(i, 3))
      }
      // the first statement was deallocated and is prepared again
      expect(await conn.query('SELECT $1::int + 1 AS n', [1], { fetch: 'one' })).toEqual({ n: 2 })
      expect(await preparedCount(conn)).toBe(3)
    })
    expect(statements(pool)).toEqual({ size: 3, hits: 0, misses: 7, evictions: 4 })
  })

  it('keeps pg’s own record of parsed names in step with the server', async () => {
    const dialect = postgres({ statementCacheSize: 2 })
    const client = await rawConnection(dialect)
    for (const n of [1, 2, 3]) await dialect.run(client, `SELECT $1::int * ${n} AS n`, [2], {})
    const parsed = Object.keys(client.connection?.parsedStatements ?? {})
    const onServer = (await dialect.run(client, 'SELECT name FROM pg_prepared_statements ORDER BY name', undefined, {})).rows.map((row) => row.name)
    expect(parsed.sort()).toEqual(onServer)
    expect(onServer).toHaveLength(2)
  })

  /** DDL from another process, which the pool cannot see coming. */
  async function elsewhere(sql: string): Promise<void> {
    const other = new pg.Client({ connectionString: PG_URL })
    await other.connect()
    try {
      await other.query(sql)
    } finally {
      await other.end()
    }
  }

  it('re-prepares once when a cached plan changes result type (ALTER TABLE ... ADD COLUMN from another process)', async () => {
    const pool = openPool(postgres())
    await pool.query('DROP TABLE IF EXISTS stmtcache_pg_plan')
    await pool.query('CREATE TABLE stmtcache_pg_plan (id int PRIMARY KEY, a text)')
    await pool.query("INSERT INTO stmtcache_pg_plan VALUES (1, 'one')")
    const select = 'SELECT * FROM stmtcache_pg_plan WHERE id = $1'
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one' }])
    await elsewhere("ALTER TABLE stmtcache_pg_plan ADD COLUMN b text DEFAULT 'bee'")
    const before = pool.stats().queries.errors
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one', b: 'bee' }])
    // one hit that failed inside the dialect, one fresh prepare; the caller saw no error
    expect(statements(pool)).toEqual({ size: 1, hits: 1, misses: 2, evictions: 0 })
    expect(pool.stats().queries.errors).toBe(before)
    // the old statement was deallocated: one statement on the server, not two
    await pool.withConnection(async (conn) => expect(await preparedCount(conn)).toBe(1))
    await pool.query('DROP TABLE stmtcache_pg_plan')
  })

  it('cannot retry inside a transaction: the plan change fails it, and the next statement re-prepares', async () => {
    const pool = openPool(postgres())
    await pool.query('DROP TABLE IF EXISTS stmtcache_pg_plan_tx')
    await pool.query('CREATE TABLE stmtcache_pg_plan_tx (id int PRIMARY KEY)')
    await pool.query('INSERT INTO stmtcache_pg_plan_tx VALUES (1)')
    const select = 'SELECT * FROM stmtcache_pg_plan_tx WHERE id = $1'
    await pool.query(select, [1])
    await elsewhere('ALTER TABLE stmtcache_pg_plan_tx ADD COLUMN b int DEFAULT 2')
    await expect(pool.transaction((tx) => tx.query(select, [1]))).rejects.toMatchObject({ code: '0A000' })
    expect(await pool.query(select, [1])).toEqual([{ id: 1, b: 2 }])
    await pool.query('DROP TABLE stmtcache_pg_plan_tx')
  })

  it('DDL through the pool prepares the statement again before its next use: no error even inside a transaction', async () => {
    const pool = openPool(postgres())
    await pool.query('DROP TABLE IF EXISTS stmtcache_pg_plan_epoch')
    await pool.query('CREATE TABLE stmtcache_pg_plan_epoch (id int PRIMARY KEY)')
    await pool.query('INSERT INTO stmtcache_pg_plan_epoch VALUES (1)')
    const select = 'SELECT * FROM stmtcache_pg_plan_epoch WHERE id = $1'
    await pool.query(select, [1])
    await pool.query('ALTER TABLE stmtcache_pg_plan_epoch ADD COLUMN b int DEFAULT 2')
    expect(await pool.transaction((tx) => tx.query(select, [1]))).toEqual([{ id: 1, b: 2 }])
    // the statement prepared before the ALTER is deallocated at the next cached statement outside a transaction
    expect(await pool.query(select, [1])).toEqual([{ id: 1, b: 2 }])
    expect(statements(pool)).toEqual({ size: 1, hits: 1, misses: 2, evictions: 0 })
    await pool.withConnection(async (conn) => expect(await preparedCount(conn)).toBe(1))
    await pool.query('DROP TABLE stmtcache_pg_plan_epoch')
  })

  it('prepares afresh when the session lost its statements behind the cache (DEALLOCATE ALL), staying named', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    await dialect.run(client, 'SELECT $1::int AS n', [1], {})
    await dialect.run(client, 'DEALLOCATE ALL', undefined, {})
    expect((await dialect.run(client, 'SELECT $1::int AS n', [2], {})).rows).toEqual([{ n: 2 }])
    expect(dialect.namedStatements).toBe(true)
    expect(dialect.statementCacheStats(client)).toEqual({ size: 1, capacity: 3, hits: 1, misses: 2, evictions: 0 })
  })

  // past the plan guard's samples a hit runs in the caller's one promise (runPreparedThen): the same recoveries
  const SETTLED_RUNS = 12

  it('a settled prepared statement re-prepares once when its plan changes result type, and after DEALLOCATE ALL', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    await dialect.run(client, 'DROP TABLE IF EXISTS stmtcache_pg_settled', undefined, {})
    await dialect.run(client, 'CREATE TABLE stmtcache_pg_settled (id int PRIMARY KEY, a text)', undefined, {})
    await dialect.run(client, "INSERT INTO stmtcache_pg_settled VALUES (1, 'one')", undefined, {})
    const select = 'SELECT * FROM stmtcache_pg_settled WHERE id = $1'
    for (let i = 0; i < SETTLED_RUNS; i++) expect((await dialect.run(client, select, [1], {})).rows).toEqual([{ id: 1, a: 'one' }])
    await elsewhere("ALTER TABLE stmtcache_pg_settled ADD COLUMN b text DEFAULT 'bee'")
    expect((await dialect.run(client, select, [1], {})).rows).toEqual([{ id: 1, a: 'one', b: 'bee' }])
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 1, hits: SETTLED_RUNS, misses: 2 })
    for (let i = 0; i < SETTLED_RUNS; i++) await dialect.run(client, select, [1], {})
    await dialect.run(client, 'DEALLOCATE ALL', undefined, {})
    expect((await dialect.run(client, select, [1], {})).rows).toEqual([{ id: 1, a: 'one', b: 'bee' }])
    expect(dialect.namedStatements).toBe(true)
    await dialect.run(client, 'DROP TABLE stmtcache_pg_settled', undefined, {})
  })

  it('a settled prepared statement fails with its own error, settled, its stack leading back to the caller', async () => {
    const pool = openPool(postgres())
    const divide = 'SELECT 10 / $1::int AS q'
    for (let i = 0; i < SETTLED_RUNS; i++) await pool.query(divide, [2])
    async function callerOfSettledStatement(): Promise<unknown> {
      return await pool.query(divide, [0])
    }
    const error = (await callerOfSettledStatement().then(
      () => undefined,
      (reason: unknown) => reason,
    )) as Error & { code?: string }
    expect(error.code).toBe('22012')
    expect(error.stack).toContain('callerOfSettledStatement')
    expect(error.stack).not.toContain('onStreamRead')
    // inside a transaction the failure is settled before the caller sees it: the status is already 'E'
    await pool.withConnection(async (conn) => {
      for (let i = 0; i < SETTLED_RUNS; i++) await conn.query(divide, [2])
      await conn.query('BEGIN')
      await expect(conn.query(divide, [0])).rejects.toMatchObject({ code: '22012' })
      expect(conn.inTransaction()).toBe(true)
      await conn.query('ROLLBACK')
    })
    expect(await pool.query(divide, [5], { fetch: 'one' })).toEqual({ q: 2 })
  })

  it('forgets the cache on a full reset (DISCARD ALL), and prepares again afterwards', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    await dialect.run(client, 'SELECT $1::int AS n', [1], {})
    await dialect.reset(client, { full: true })
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 0, misses: 1 })
    expect((await dialect.run(client, 'SELECT $1::int AS n', [2], {})).rows).toEqual([{ n: 2 }])
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 1, hits: 0, misses: 2 })
  })

  it('follows prepare per statement and the dialect’s prepare mode; statementCacheSize 0 runs everything unnamed', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    await dialect.run(client, 'SELECT $1::int AS n', [1], { prepare: false })
    await dialect.run(client, 'SELECT 42 AS n', undefined, { prepare: true })
    await dialect.run(client, 'SELECT 42 AS n', undefined, { prepare: true })
    expect(dialect.statementCacheStats(client)).toEqual({ size: 1, capacity: 3, hits: 1, misses: 1, evictions: 0 })

    const explicit = postgres({ prepare: 'explicit' })
    const other = await rawConnection(explicit)
    await explicit.run(other, 'SELECT $1::int AS n', [1], {})
    expect(explicit.statementCacheStats(other)).toMatchObject({ size: 0, misses: 0 })

    const off = postgres({ statementCacheSize: 0 })
    expect(off.namedStatements).toBe(false)
    const third = await rawConnection(off)
    await off.run(third, 'SELECT $1::int AS n', [1], { prepare: true })
    expect(off.statementCacheStats(third)).toEqual({ size: 0, capacity: 0, hits: 0, misses: 0, evictions: 0 })
    expect(Object.keys(third.connection?.parsedStatements ?? {})).toEqual([])
  })

  it('array rows and object rows share one prepared statement', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    expect((await dialect.run(client, 'SELECT $1::int AS a, 2 AS b', [1], { rowMode: 'array' })).rows).toEqual([[1, 2]])
    expect((await dialect.run(client, 'SELECT $1::int AS a, 2 AS b', [1], {})).rows).toEqual([{ a: 1, b: 2 }])
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 1, hits: 1, misses: 1 })
  })

  it('a statement that fails to parse is not cached; one that fails to execute is', async () => {
    const dialect = postgres()
    const client = await rawConnection(dialect)
    await expect(dialect.run(client, 'SELEC $1::int', [1], {})).rejects.toMatchObject({ code: '42601' })
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 0, misses: 1 })
    await expect(dialect.run(client, 'SELECT 1 / $1::int AS n', [0], {})).rejects.toMatchObject({ code: '22012' })
    expect((await dialect.run(client, 'SELECT 1 / $1::int AS n', [1], {})).rows).toEqual([{ n: 1 }])
    expect(dialect.statementCacheStats(client)).toMatchObject({ size: 1, hits: 1, misses: 2 })
  })
})

// ---------------------------------------------------------------------------
// PostgreSQL behind PgBouncer in transaction mode
// ---------------------------------------------------------------------------

describe('statement cache on postgres behind PgBouncer (transaction mode)', () => {
  /** A pg Client that records the name of every named statement it is asked to run. */
  function recordingDriver(named: string[], options: { hidePid?: boolean } = {}): PostgresDialectConfig['driver'] {
    class RecordingClient extends pg.Client {
      override query(config: any, ...rest: any[]): any {
        if (typeof config === 'object' && config !== null && typeof config.name === 'string') named.push(config.name)
        return (super.query as (...args: unknown[]) => unknown)(config, ...rest)
      }
    }
    if (options.hidePid === true) {
      // as a driver that does not expose BackendKeyData: the pid probe cannot decide
      Object.defineProperty(RecordingClient.prototype, 'processID', { get: () => undefined, set: () => {}, configurable: true })
    }
    return { Client: RecordingClient as never }
  }

  const callers = 20
  const perCaller = 20

  /** 20 callers × 20 statements, a third of them in transactions; every result checked. */
  async function workload(pool: Pool, table: string): Promise<number> {
    await pool.query(`DROP TABLE IF EXISTS ${table}`)
    await pool.query(`CREATE TABLE ${table} (caller int, seq int, note text, PRIMARY KEY (caller, seq))`)
    let checked = 0
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let seq = 0; seq < perCaller; seq++) {
          if (seq % 3 === 0) {
            await pool.transaction(async (tx) => {
              await tx.query(`INSERT INTO ${table} (caller, seq, note) VALUES ($1, $2, $3)`, [caller, seq, `tx ${caller}/${seq}`])
              const row = await tx.query(`SELECT note FROM ${table} WHERE caller = $1 AND seq = $2`, [caller, seq], { fetch: 'one' })
              expect(row).toEqual({ note: `tx ${caller}/${seq}` })
            })
          } else {
            await pool.query(`INSERT INTO ${table} (caller, seq, note) VALUES ($1, $2, $3)`, [caller, seq, `${caller}/${seq}`])
            const sum = await pool.query('SELECT $1::int + $2::int AS sum', [caller, seq], { fetch: 'one' })
            expect(sum).toEqual({ sum: caller + seq })
          }
          checked++
        }
      }),
    )
    const count = await pool.query(`SELECT count(*)::int AS n FROM ${table}`, [], { fetch: 'one' })
    expect(count).toEqual({ n: callers * perCaller })
    await pool.query(`DROP TABLE ${table}`)
    return checked
  }

  it('finds the pooler by itself and runs 20 × 20 concurrent statements correctly, unnamed', async () => {
    const named: string[] = []
    const dialect = new PgDialect({ connectionString: PGBOUNCER_URL, statementCacheSize: 10, driver: recordingDriver(named) })
    const pool = openPool(dialect, { max: 10 })
    const { result, warnings } = await collectWarnings(() => workload(pool, 'stmtcache_bouncer_auto'))
    expect(result).toBe(callers * perCaller)
    expect(pool.stats().queries.errors).toBe(0)
    expect(dialect.namedStatements).toBe(false)
    // the pid probe answered before any statement was prepared
    expect(named).toEqual([])
    expect(statements(pool)).toEqual({ size: 0, hits: 0, misses: 0, evictions: 0 })
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'SLUICE_PG_TRANSACTION_POOLER')
    expect(ours).toHaveLength(1)
    expect(ours[0]?.message).toContain('another backend pid')
  })

  it("never prepares a named statement when told pooler: 'transaction'", async () => {
    const named: string[] = []
    const dialect = new PgDialect({ connectionString: PGBOUNCER_URL, statementCacheSize: 10, pooler: 'transaction', driver: recordingDriver(named) })
    expect(dialect.namedStatements).toBe(false)
    const pool = openPool(dialect, { max: 10 })
    expect(await workload(pool, 'stmtcache_bouncer_told')).toBe(callers * perCaller)
    expect(named).toEqual([])
    expect(statements(pool)).toEqual({ size: 0, hits: 0, misses: 0, evictions: 0 })
  })

  /**
   * Without the pid (a driver that hides BackendKeyData) only errors give the
   * pooler away. A second session holds the backend the statement was
   * prepared on in a transaction, so PgBouncer must run the next use elsewhere.
   */
  async function holdBackendOf(dialect: PgDialect, holder: PgClient, pid: number): Promise<boolean> {
    await dialect.run(holder, 'BEGIN', undefined, {})
    const held = (await dialect.run(holder, 'SELECT pg_backend_pid() AS pid', undefined, {})).rows[0]?.pid
    if (held === pid) return true
    await dialect.run(holder, 'ROLLBACK', undefined, {})
    return false
  }

  it('switches to unnamed statements when a cached statement is missing on the backend, and retries it', async () => {
    const named: string[] = []
    const dialect = new PgDialect({ connectionString: PGBOUNCER_URL, statementCacheSize: 10, driver: recordingDriver(named, { hidePid: true }) })
    const client = await rawConnection(dialect)
    const holder = await rawConnection(dialect)
    const select = 'SELECT pg_backend_pid() AS pid, $1::int AS n'
    const { warnings } = await collectWarnings(async () => {
      for (let attempt = 0; attempt < 20 && dialect.namedStatements; attempt++) {
        const { rows } = await dialect.run(client, select, [attempt], {})
        expect(rows[0]?.n).toBe(attempt)
        const holding = await holdBackendOf(dialect, holder, rows[0]?.pid as number)
        // on another backend the named statement does not exist: the dialect notices, retries unnamed
        expect((await dialect.run(client, select, [attempt + 100], {})).rows[0]?.n).toBe(attempt + 100)
        if (holding) await dialect.run(holder, 'ROLLBACK', undefined, {})
      }
    })
    expect(dialect.namedStatements).toBe(false)
    expect(named.length).toBeGreaterThan(0)
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'SLUICE_PG_TRANSACTION_POOLER')
    expect(ours).toHaveLength(1)
    expect(ours[0]?.message).toContain('was not found on the backend')
    // from now on nothing is named
    const before = named.length
    await dialect.run(client, select, [7], {})
    expect(named.length).toBe(before)
  })

  it('switches when a DEALLOCATE of an evicted statement misses it', async () => {
    const named: string[] = []
    const dialect = new PgDialect({ connectionString: PGBOUNCER_URL, statementCacheSize: 1, driver: recordingDriver(named, { hidePid: true }) })
    const client = await rawConnection(dialect)
    const holder = await rawConnection(dialect)
    const { warnings } = await collectWarnings(async () => {
      // capacity 1 and a new statement each time: only misses, so only a DEALLOCATE can fail
      for (let i = 0; i < 40 && dialect.namedStatements; i += 2) {
        const { rows } = await dialect.run(client, `SELECT pg_backend_pid() AS pid, $1::int + ${i} AS n`, [1], {})
        const holding = await holdBackendOf(dialect, holder, rows[0]?.pid as number)
        expect((await dialect.run(client, `SELECT $1::int + ${i + 1} AS n`, [1], {})).rows).toEqual([{ n: i + 2 }])
        if (holding) await dialect.run(holder, 'ROLLBACK', undefined, {})
      }
    })
    expect(dialect.namedStatements).toBe(false)
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'SLUICE_PG_TRANSACTION_POOLER')
    expect(ours).toHaveLength(1)
    expect(ours[0]?.message).toContain('DEALLOCATE')
  })
})

// ---------------------------------------------------------------------------
// MySQL / MariaDB
// ---------------------------------------------------------------------------

describe('statement cache on mysql', () => {
  const mysqlDialect = (config: Omit<MysqlDialectConfig, 'connectionString'> = {}) =>
    new Mysql2Dialect({ connectionString: MYSQL_URL, statementCacheSize: 3, prepare: 'parameterized', ...config })

  /** This session's prepared statements: prepared minus closed (MariaDB counts both per session). */
  async function sessionStatements(conn: { query: Pool['query'] }): Promise<{ prepared: number; closed: number }> {
    const rows = (await conn.query("SHOW SESSION STATUS LIKE 'Com_stmt_%'")) as Array<{ Variable_name: string; Value: string }>
    const value = (name: string): number => Number(rows.find((row) => row.Variable_name === name)?.Value)
    return { prepared: value('Com_stmt_prepare'), closed: value('Com_stmt_close') }
  }

  async function globalPrepared(conn: { query: Pool['query'] }): Promise<number> {
    const row = (await conn.query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'", [], { fetch: 'one' })) as { Value: string }
    return Number(row.Value)
  }

  it('hits on a repeated parameterized statement, with exact counts in pool.stats()', async () => {
    const pool = openPool(mysqlDialect())
    for (let i = 0; i < 5; i++) expect(await pool.query('SELECT ? + 0 AS n', [i])).toEqual([{ n: i }])
    await pool.query('SELECT CONCAT(?, ?) AS t', ['a', 'b'])
    await pool.query('SELECT 1 AS one')
    expect(statements(pool)).toEqual({ size: 2, hits: 4, misses: 2, evictions: 0 })
    await pool.withConnection(async (conn) => expect(await sessionStatements(conn)).toEqual({ prepared: 2, closed: 0 }))
  })

  it('closes the least recently used statement at capacity, on the server too', async () => {
    const pool = openPool(mysqlDialect())
    await pool.withConnection(async (conn) => {
      const globalBefore = await globalPrepared(conn)
      for (let i = 1; i <= 6; i++) {
        expect(await conn.query(`SELECT ? + ${i} AS n`, [1], { fetch: 'one' })).toEqual({ n: 1 + i })
        const { prepared, closed } = await sessionStatements(conn)
        expect(prepared - closed).toBe(Math.min(i, 3))
      }
      expect(await sessionStatements(conn)).toEqual({ prepared: 6, closed: 3 })
      // the server's global count grew by this connection's three at most (other suites may prepare too)
      expect((await globalPrepared(conn)) - globalBefore).toBeLessThanOrEqual(3)
      // an evicted statement is prepared again, not handed out closed
      expect(await conn.query('SELECT ? + 1 AS n', [1], { fetch: 'one' })).toEqual({ n: 2 })
    })
    expect(statements(pool)).toEqual({ size: 3, hits: 0, misses: 7, evictions: 4 })
  })

  it('keeps array rows and object rows apart, as mysql2 does', async () => {
    const pool = openPool(mysqlDialect())
    expect((await pool.execute('SELECT ? AS a, 2 AS b', [1], { rowMode: 'array' })).rows).toEqual([[1, 2]])
    expect((await pool.execute('SELECT ? AS a, 2 AS b', [1])).rows).toEqual([{ a: 1, b: 2 }])
    expect((await pool.execute('SELECT ? AS a, 2 AS b', [1], { rowMode: 'array' })).rows).toEqual([[1, 2]])
    expect(statements(pool)).toEqual({ size: 2, hits: 1, misses: 2, evictions: 0 })
  })

  it("prepares only on request by default ('explicit'); arrays stay on the text protocol", async () => {
    const dialect = new Mysql2Dialect({ connectionString: MYSQL_URL })
    const raw = await rawConnection(dialect)
    await dialect.run(raw, 'SELECT ? AS n', [1], {})
    expect(dialect.statementCacheStats(raw)).toEqual({ size: 0, capacity: 100, hits: 0, misses: 0, evictions: 0 })
    expect((await dialect.run(raw, 'SELECT ? AS n', [1], { prepare: true })).rows).toEqual([{ n: 1 }])
    expect(dialect.statementCacheStats(raw)).toMatchObject({ size: 1, misses: 1 })

    const parameterized = mysqlDialect()
    const other = await rawConnection(parameterized)
    // the text protocol expands an array into a list; the binary one could not
    expect((await parameterized.run(other, 'SELECT 2 IN (?) AS found', [[1, 2, 3]], {})).rows).toEqual([{ found: 1 }])
    expect(parameterized.statementCacheStats(other)).toMatchObject({ size: 0, misses: 0 })
  })

  it('forgets the cache on a full reset (COM_RESET_CONNECTION)', async () => {
    const dialect = mysqlDialect()
    const raw = await rawConnection<Mysql2Connection>(dialect)
    await dialect.run(raw, 'SELECT ? AS n', [1], {})
    await dialect.reset(raw, { full: true })
    expect(dialect.statementCacheStats(raw)).toMatchObject({ size: 0, misses: 1 })
    expect((await dialect.run(raw, 'SELECT ? AS n', [2], {})).rows).toEqual([{ n: 2 }])
    expect(dialect.statementCacheStats(raw)).toMatchObject({ size: 1, hits: 0, misses: 2 })
  })

  it('a cached SELECT * sees a column added after it was prepared', async () => {
    const pool = openPool(mysqlDialect())
    await pool.query('DROP TABLE IF EXISTS stmtcache_my_alter')
    await pool.query('CREATE TABLE stmtcache_my_alter (id INT PRIMARY KEY, a VARCHAR(10))')
    await pool.query("INSERT INTO stmtcache_my_alter VALUES (1, 'one')")
    const select = 'SELECT * FROM stmtcache_my_alter WHERE id = ?'
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one' }])
    await pool.query("ALTER TABLE stmtcache_my_alter ADD COLUMN b VARCHAR(10) DEFAULT 'bee'")
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one', b: 'bee' }])
    expect(statements(pool)).toMatchObject({ hits: 1, misses: 1 })
    await pool.query('DROP TABLE stmtcache_my_alter')
  })

  it('a statement that fails to prepare is not cached; undefined binds as NULL', async () => {
    const dialect = mysqlDialect()
    const raw = await rawConnection(dialect)
    await expect(dialect.run(raw, 'SELEC ?', [1], {})).rejects.toMatchObject({ errno: 1064 })
    expect(dialect.statementCacheStats(raw)).toMatchObject({ size: 0, misses: 1 })
    expect((await dialect.run(raw, 'SELECT ? IS NULL AS isnull', [undefined], {})).rows).toEqual([{ isnull: 1 }])
  })
})

// ---------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------

describe('statement cache on sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-stmtcache-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let files = 0
  const sqliteDialect = (config: Omit<SqliteDialectConfig, 'filename'> = {}): BetterSqlite3Dialect =>
    new BetterSqlite3Dialect({ filename: join(dir, `db-${++files}.sqlite`), statementCacheSize: 3, ...config })

  it('hits on every repeated statement, with exact counts in pool.stats()', async () => {
    const pool = openPool(sqliteDialect())
    for (let i = 0; i < 5; i++) expect(await pool.query('SELECT ? AS n', [i])).toEqual([{ n: i }])
    // every statement is compiled anyway, so by default every statement is cached
    await pool.query('SELECT 1 AS one')
    await pool.query('SELECT 1 AS one')
    expect(statements(pool)).toEqual({ size: 2, hits: 5, misses: 2, evictions: 0 })
  })

  it('drops the least recently used statement at capacity', async () => {
    const pool = openPool(sqliteDialect())
    for (let i = 1; i <= 5; i++) expect(await pool.query(`SELECT ? + ${i} AS n`, [1])).toEqual([{ n: 1 + i }])
    expect(await pool.query('SELECT ? + 5 AS n', [1])).toEqual([{ n: 6 }])
    expect(await pool.query('SELECT ? + 1 AS n', [1])).toEqual([{ n: 2 }])
    expect(statements(pool)).toEqual({ size: 3, hits: 1, misses: 6, evictions: 3 })
  })

  it('lets no row mode leak from one caller to the next through a cached statement', async () => {
    const pool = openPool(sqliteDialect())
    const sql = 'SELECT ? AS a, ? AS b'
    expect((await pool.execute(sql, [1, 2], { rowMode: 'array' })).rows).toEqual([[1, 2]])
    expect((await pool.execute(sql, [3, 4])).rows).toEqual([{ a: 3, b: 4 }])
    expect(await pool.query(sql, [5, 6])).toEqual([{ a: 5, b: 6 }])
    expect((await pool.execute(sql, [7, 8], { rowMode: 'array' })).rows).toEqual([[7, 8]])
    expect(statements(pool)).toEqual({ size: 1, hits: 3, misses: 1, evictions: 0 })
  })

  it('a cached SELECT * follows schema changes: a new column shows up, a dropped table fails clearly', async () => {
    const pool = openPool(sqliteDialect({ statementCacheSize: 20 }))
    await pool.query('CREATE TABLE stmtcache_sqlite_schema (id INTEGER PRIMARY KEY, a TEXT)')
    await pool.query("INSERT INTO stmtcache_sqlite_schema VALUES (1, 'one')")
    const select = 'SELECT * FROM stmtcache_sqlite_schema WHERE id = ?'
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one' }])
    await pool.query("ALTER TABLE stmtcache_sqlite_schema ADD COLUMN b TEXT DEFAULT 'bee'")
    expect(await pool.query(select, [1])).toEqual([{ id: 1, a: 'one', b: 'bee' }])
    await pool.query('DROP TABLE stmtcache_sqlite_schema')
    await expect(pool.query(select, [1])).rejects.toThrow('no such table: stmtcache_sqlite_schema')
    await pool.query('CREATE TABLE stmtcache_sqlite_schema (id INTEGER PRIMARY KEY, z TEXT)')
    await pool.query("INSERT INTO stmtcache_sqlite_schema VALUES (1, 'zed')")
    expect(await pool.query(select, [1])).toEqual([{ id: 1, z: 'zed' }])
    // the DDL and INSERTs are cached too (prepare mode 'all'): 6 misses of theirs
    expect(statements(pool)).toMatchObject({ hits: 3, misses: 7 })
  })

  it('keeps the write-lock rules with cached statements across connections', async () => {
    const pool = openPool(sqliteDialect(), { max: 2 })
    await pool.query('CREATE TABLE stmtcache_sqlite_lock (id INTEGER PRIMARY KEY, n INTEGER)')
    const insert = 'INSERT INTO stmtcache_sqlite_lock (n) VALUES (?)'
    await Promise.all(
      Array.from({ length: 4 }, (_, caller) =>
        pool.transaction(async (tx) => {
          for (let i = 0; i < 5; i++) await tx.query(insert, [caller * 10 + i])
        }),
      ),
    )
    for (let i = 0; i < 5; i++) await pool.query(insert, [100 + i])
    expect(await pool.query('SELECT count(*) AS c FROM stmtcache_sqlite_lock')).toEqual([{ c: 25 }])
    expect(pool.stats().statements.hits).toBeGreaterThan(20)
  })

  it("follows prepare per statement and the dialect's prepare mode; statementCacheSize 0 caches nothing", async () => {
    const dialect = sqliteDialect({ prepare: 'parameterized' })
    const db = await rawConnection<SqliteDatabase>(dialect)
    await dialect.run(db, 'SELECT 1 AS one', undefined, {})
    await dialect.run(db, 'SELECT ? AS n', [1], { prepare: false })
    expect(dialect.statementCacheStats(db)).toEqual({ size: 0, capacity: 3, hits: 0, misses: 0, evictions: 0 })
    await dialect.run(db, 'SELECT ? AS n', [1], {})
    expect(dialect.statementCacheStats(db)).toMatchObject({ size: 1, misses: 1 })

    const off = sqliteDialect({ statementCacheSize: 0 })
    const other = await rawConnection<SqliteDatabase>(off)
    await off.run(other, 'SELECT ? AS n', [1], { prepare: true })
    expect(off.statementCacheStats(other)).toEqual({ size: 0, capacity: 0, hits: 0, misses: 0, evictions: 0 })
  })
})

describe('statement cache options of the dialects', () => {
  it('validates statementCacheSize, prepare and pooler where the dialect is created', () => {
    expect(() => new PgDialect({ connectionString: PG_URL, pooler: 'pgbouncer' as never })).toThrow(
      "Sluice: invalid option dialect.pooler = \"pgbouncer\": must be one of 'auto', 'none', 'transaction'",
    )
    expect(() => new Mysql2Dialect({ connectionString: MYSQL_URL, statementCacheSize: 1.5 })).toThrow(
      'Sluice: invalid option dialect.statementCacheSize = 1.5: must be an integer from 0 (no cache) to 10000',
    )
    expect(() => new BetterSqlite3Dialect({ filename: ':memory:', prepare: 'always' as never })).toThrow(
      "Sluice: invalid option dialect.prepare = \"always\": must be one of 'parameterized', 'all', 'explicit'",
    )
  })

  it("reports each dialect's default capacity", async () => {
    const postgres = new PgDialect({ connectionString: PG_URL })
    const client = await rawConnection(postgres)
    expect(postgres.statementCacheStats(client).capacity).toBe(100)
    const lite = new BetterSqlite3Dialect({ filename: ':memory:' })
    const db = await rawConnection<SqliteDatabase>(lite)
    expect(lite.statementCacheStats(db).capacity).toBe(200)
    const my = new Mysql2Dialect({ connectionString: MYSQL_URL })
    const raw = await rawConnection(my)
    expect(my.statementCacheStats(raw).capacity).toBe(100)
  })
})
