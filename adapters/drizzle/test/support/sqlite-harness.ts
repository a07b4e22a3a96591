/**
 * The shared adapter suite's harness for Drizzle on better-sqlite3, written in
 * Drizzle's idiom: sqliteTable tables, the synchronous query builders, and
 * `db.transaction(async (tx) => ...)`, which the Sluice client runs on a
 * connection of its own (stock better-sqlite3 refuses async transactions).
 */
import Database from 'better-sqlite3'
import { count, eq, sql } from 'drizzle-orm'
import { drizzle as stockDrizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { AdapterHarness, OrmClient, OrmTransaction } from '../../../../test/adapters/harness.js'
import { drizzle, sluiceOf } from '../../src/better-sqlite3/index.js'
import { DrizzleAcquireTimeout, errorOf } from './databases.js'

const tables = new Map<string, ReturnType<typeof itemsTable>>()

function itemsTable(name: string) {
  return sqliteTable(name, { id: integer().primaryKey(), name: text().notNull(), qty: integer().notNull() })
}

/** The suite's `(id, name, qty)` table named `name`, as a Drizzle table. */
export function sqliteItems(name: string): ReturnType<typeof itemsTable> {
  let table = tables.get(name)
  if (table === undefined) tables.set(name, (table = itemsTable(name)))
  return table
}

type LiteDb = BetterSQLite3Database
type LiteTx = Parameters<Parameters<LiteDb['transaction']>[0]>[0]
type LiteRunner = LiteDb | LiteTx

function insertOne(db: LiteRunner, table: string, id: number, name: string, qty: number): void {
  db.insert(sqliteItems(table)).values({ id, name, qty }).run()
}

function countOf(db: LiteRunner, table: string): number {
  return db.select({ n: count() }).from(sqliteItems(table)).get()!.n
}

/**
 * A random id kept in a temporary table: temporary tables belong to one
 * connection, so the id names the connection a statement ran on.
 */
export function connectionMarker(db: LiteRunner): string {
  db.run(sql`create temp table if not exists drizzle_marker (id text not null)`)
  db.run(sql`insert into drizzle_marker select lower(hex(randomblob(8))) where not exists (select 1 from drizzle_marker)`)
  return db.get<{ id: string }>(sql`select id from drizzle_marker`)!.id
}

function transactionOf(tx: LiteTx): OrmTransaction {
  return {
    backendId: async () => connectionMarker(tx),
    insert: async (table, id, name, qty) => insertOne(tx, table, id, name, qty),
    count: async (table) => countOf(tx, table),
    setSessionValue: async (value) => {
      tx.run(sql`create temp table if not exists drizzle_session (v text)`)
      tx.run(sql`delete from drizzle_session`)
      tx.run(sql`insert into drizzle_session values (${value})`)
    },
    sessionValue: async () => tx.get<{ v: string }>(sql`select v from drizzle_session`)?.v,
    tempTableRoundTrip: async () => {
      tx.run(sql`create temp table drizzle_roundtrip (n integer)`)
      tx.run(sql`insert into drizzle_roundtrip values (1), (2), (3)`)
      const n = tx.get<{ n: number }>(sql`select count(*) as n from drizzle_roundtrip`)!.n
      tx.run(sql`drop table drizzle_roundtrip`)
      return n
    },
    failingStatement: async (table, id) => errorOf(Promise.resolve().then(() => insertOne(tx, table, id, 'duplicate', 0))),
  }
}

function clientOf(db: LiteDb, file: string, close: () => Promise<void>, sluice: boolean): OrmClient {
  return {
    createTable: async (table) => {
      db.run(sql`create table ${sql.identifier(table)} (id integer primary key, name text not null, qty integer not null)`)
    },
    dropTable: async (table) => {
      db.run(sql`drop table if exists ${sql.identifier(table)}`)
    },
    crud: async (name) => {
      const table = sqliteItems(name)
      return [
        db.insert(table).values([{ id: 1, name: 'one', qty: 1 }, { id: 2, name: 'two', qty: 2 }, { id: 3, name: 'three', qty: 3 }]).returning().all(),
        db.select().from(table).orderBy(table.id).all(),
        db.update(table).set({ qty: 20 }).where(eq(table.id, 2)).run(),
        db.update(table).set({ name: 'THREE' }).where(eq(table.id, 3)).returning({ id: table.id, name: table.name }).all(),
        db.delete(table).where(eq(table.id, 1)).run(),
        await db.select({ id: table.id, qty: table.qty }).from(table).orderBy(table.id),
        db.all(sql`select count(*) as n, sum(qty) as total from ${table}`),
      ]
    },
    insert: async (table, id, name, qty) => insertOne(db, table, id, name, qty),
    count: async (table) => countOf(db, table),
    transaction: (fn) => db.transaction(async (tx) => fn(transactionOf(tx))),
    stream: () => {
      throw new Error('drizzle-orm 0.45.4 has no streaming API for better-sqlite3')
    },
    hold: (millis) =>
      db.transaction(async (tx) => {
        connectionMarker(tx)
        await new Promise((resolve) => setTimeout(resolve, millis))
      }),
    failingBegin: async () => {
      // another process holding the write lock makes BEGIN IMMEDIATE fail with SQLITE_BUSY
      const other = new Database(file)
      other.exec('BEGIN IMMEDIATE')
      try {
        return await errorOf(db.transaction(async () => {}))
      } finally {
        other.exec('ROLLBACK')
        other.close()
      }
    },
    stats: () => (sluice ? sluiceOf(db).stats() : undefined),
    destroy: close,
  }
}

const PINNED =
  'Drizzle\'s better-sqlite3 API is synchronous, so the adapter keeps one connection leased ("pinned") for it and ' +
  'activeConnections is 1 at rest, not 0; the same behaviour is proved with that count in the Drizzle-specific tests'

/** The harness for a SQLite database in `file`. */
export function sqliteHarness(file: string): AdapterHarness {
  return {
    orm: 'drizzle',
    database: 'sqlite',
    sluice: async ({ min, max, acquireTimeoutMillis }) => {
      // a short busy timeout: only failingBegin's outside handle ever holds a lock we wait for
      const db = await drizzle({ connection: { filename: file, busyTimeoutMillis: 100 }, pool: { min, max, acquireTimeoutMillis } })
      return clientOf(db, file, () => db.$client.close(), true)
    },
    stock: async () => {
      const db = stockDrizzle(file)
      return clientOf(db, file, async () => void db.$client.close(), false)
    },
    timeoutErrorClass: DrizzleAcquireTimeout,
    notApplicable: {
      'keeps every statement of each of 20 concurrent transactions on one backend': PINNED,
      'does not leak a connection when BEGIN fails': PINNED,
      'streams a large result': "drizzle-orm 0.45.4's better-sqlite3 driver has no streaming API (sqlite-core queries have no .iterator())",
      "times out an acquire on an exhausted pool with the ORM's own error class":
        'Drizzle\'s synchronous statements run on the pinned connection and never wait for an acquire; only async transactions do, ' +
        'and their acquire timeout is proved in the Drizzle-specific tests',
    },
  }
}
