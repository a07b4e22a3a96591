/**
 * The three databases the Kysely adapter is tested on, with what differs
 * between them: how to build the Sluice and the stock dialect, and the few
 * statements that have no portable spelling (session ids, sleeping, session
 * variables).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely'
import type { Dialect, Kysely } from 'kysely'
import mysql2 from 'mysql2'
import pg from 'pg'
import { afterAll } from 'vitest'
import { MYSQL_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import type { DatabaseName } from '../../../../test/adapters/harness.js'
import { SluiceMysqlDialect, SluicePostgresDialect, SluiceSqliteDialect, type SluiceDialect, type SluicePoolSettings } from '../../src/index.js'

export interface ItemRow {
  id: number
  name: string
  qty: number
}

/** Every table the tests touch has the suite's shape; the names vary. */
export type TestDB = Record<string, ItemRow>

export interface KyselyTarget {
  readonly database: DatabaseName
  /** The Kysely dialect on Sluice, pool options passed through Kysely-shaped options. */
  sluice(settings?: SluicePoolSettings): SluiceDialect
  /** The stock Kysely dialect on the stock pool. */
  stock(): Dialect
  /** Whether INSERT ... RETURNING exists. */
  readonly returning: boolean
  /** An id of the session the statement runs on. */
  backendId(db: Kysely<TestDB>): Promise<string>
  /** A statement that holds its connection for `millis`. */
  sleep(db: Kysely<TestDB>, millis: number): Promise<unknown>
  setSessionValue(db: Kysely<TestDB>, value: string): Promise<void>
  sessionValue(db: Kysely<TestDB>): Promise<string | undefined>
  /** Drops a temporary table without ending the transaction (MySQL commits on a plain DROP TABLE). */
  dropTemporary(db: Kysely<TestDB>, table: string): Promise<void>
}

export const postgresTarget: KyselyTarget = {
  database: 'postgres',
  sluice: (settings) => new SluicePostgresDialect({ pool: { connectionString: PG_URL, log: false, ...settings }, driver: pg }),
  stock: () => new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 4 }) }),
  returning: true,
  backendId: async (db) => String((await sql<{ id: number }>`select pg_backend_pid() as id`.execute(db)).rows[0]?.id),
  sleep: (db, millis) => sql`select pg_sleep(${millis / 1000})`.execute(db),
  setSessionValue: async (db, value) => {
    // set_config(..., true) is SET LOCAL: it lasts until the transaction ends
    await sql`select set_config('sluice.test_value', ${value}, true)`.execute(db)
  },
  sessionValue: async (db) => (await sql<{ value: string | null }>`select current_setting('sluice.test_value', true) as value`.execute(db)).rows[0]?.value ?? undefined,
  dropTemporary: async (db, table) => {
    await db.schema.dropTable(table).execute()
  },
}

export const mysqlTarget: KyselyTarget = {
  database: 'mysql',
  sluice: (settings) => new SluiceMysqlDialect({ pool: { connectionString: MYSQL_URL, log: false, ...settings }, driver: mysql2 }),
  stock: () => new MysqlDialect({ pool: mysql2.createPool({ uri: MYSQL_URL, connectionLimit: 4 }) }),
  returning: false,
  backendId: async (db) => String((await sql<{ id: number }>`select connection_id() as id`.execute(db)).rows[0]?.id),
  sleep: (db, millis) => sql`select sleep(${millis / 1000})`.execute(db),
  setSessionValue: async (db, value) => {
    await sql`set @sluice_test_value = ${value}`.execute(db)
  },
  sessionValue: async (db) => (await sql<{ value: string | null }>`select @sluice_test_value as value`.execute(db)).rows[0]?.value ?? undefined,
  dropTemporary: async (db, table) => {
    await sql`drop temporary table ${sql.table(table)}`.execute(db)
  },
}

export function sqliteTarget(): KyselyTarget {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kysely-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    database: 'sqlite',
    sluice: (settings) => new SluiceSqliteDialect({ pool: { filename: join(dir, 'sluice.db'), log: false, ...settings }, driver: Database }),
    stock: () => new SqliteDialect({ database: new Database(join(dir, 'stock.db')) }),
    returning: true,
    // SQLite has no sessions: a temp table, private to its connection, holds a random marker
    backendId: async (db) => {
      await sql`create temp table if not exists sluice_marker as select lower(hex(randomblob(8))) as id`.execute(db)
      return String((await sql<{ id: string }>`select id from temp.sluice_marker`.execute(db)).rows[0]?.id)
    },
    sleep: (db, millis) =>
      db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx)
        await new Promise((resolve) => setTimeout(resolve, millis))
      }),
    setSessionValue: async (db, value) => {
      await sql`create temp table if not exists sluice_session (key text primary key, value text)`.execute(db)
      await sql`insert or replace into temp.sluice_session (key, value) values ('test_value', ${value})`.execute(db)
    },
    sessionValue: async (db) => (await sql<{ value: string }>`select value from temp.sluice_session where key = 'test_value'`.execute(db)).rows[0]?.value,
    dropTemporary: async (db, table) => {
      await db.schema.dropTable(table).execute()
    },
  }
}

/** The three targets; call at a test file's top level (the SQLite one registers its clean-up). */
export function allTargets(): KyselyTarget[] {
  return [postgresTarget, mysqlTarget, sqliteTarget()]
}
