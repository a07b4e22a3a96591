/**
 * The shared adapter suite's harness for Drizzle on mysql2 (MariaDB in CI),
 * written in Drizzle's idiom: mysqlTable tables, query builders,
 * `db.transaction()`, `sql`, and `.iterator()` for streaming.
 */
import { count, eq, sql } from 'drizzle-orm'
import { int, mysqlTable, varchar } from 'drizzle-orm/mysql-core'
import { drizzle as stockDrizzle, type MySql2Database } from 'drizzle-orm/mysql2'
import mysql from 'mysql2/promise'
import type { AdapterHarness, OrmClient, OrmTransaction } from '../../../../test/adapters/harness.js'
import { drizzle, sluiceOf } from '../../src/mysql2/index.js'
import { DrizzleAcquireTimeout, errorOf, MYSQL_URL } from './databases.js'

const tables = new Map<string, ReturnType<typeof itemsTable>>()

function itemsTable(name: string) {
  return mysqlTable(name, { id: int().primaryKey(), name: varchar({ length: 100 }).notNull(), qty: int().notNull() })
}

/** The suite's `(id, name, qty)` table named `name`, as a Drizzle table. */
export function mysqlItems(name: string): ReturnType<typeof itemsTable> {
  let table = tables.get(name)
  if (table === undefined) tables.set(name, (table = itemsTable(name)))
  return table
}

type MyDb = MySql2Database & { $client: { end(): Promise<void> } }
type MyTx = Parameters<Parameters<MySql2Database['transaction']>[0]>[0]
type MyRunner = MyDb | MyTx

/** The first row of a `db.execute()` result (`[rows, fields]`). */
export function firstRow<T>(result: unknown): T | undefined {
  return (result as [T[], unknown])[0][0]
}

function insertOne(db: MyRunner, table: string, id: number, name: string, qty: number): Promise<void> {
  return db
    .insert(mysqlItems(table))
    .values({ id, name, qty })
    .then(() => undefined)
}

async function countOf(db: MyRunner, table: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(mysqlItems(table))
  return row!.n
}

function transactionOf(tx: MyTx): OrmTransaction {
  return {
    backendId: async () => String(firstRow<{ id: number }>(await tx.execute(sql`select connection_id() as id`))!.id),
    insert: (table, id, name, qty) => insertOne(tx, table, id, name, qty),
    count: (table) => countOf(tx, table),
    setSessionValue: async (value) => {
      await tx.execute(sql`set @sluice_value = ${value}`)
    },
    sessionValue: async () => firstRow<{ v: string | null }>(await tx.execute(sql`select @sluice_value as v`))?.v ?? undefined,
    tempTableRoundTrip: async () => {
      await tx.execute(sql`create temporary table drizzle_roundtrip (n int)`)
      await tx.execute(sql`insert into drizzle_roundtrip values (1), (2), (3)`)
      const row = firstRow<{ n: number }>(await tx.execute(sql`select count(*) as n from drizzle_roundtrip`))
      await tx.execute(sql`drop temporary table drizzle_roundtrip`)
      return Number(row!.n)
    },
    failingStatement: (table, id) => errorOf(insertOne(tx, table, id, 'duplicate', 0)),
  }
}

function clientOf(db: MyDb, sluice: boolean): OrmClient {
  return {
    createTable: async (table) => {
      await db.execute(sql`create table ${sql.identifier(table)} (id int primary key, name varchar(100) not null, qty int not null)`)
    },
    dropTable: async (table) => {
      await db.execute(sql`drop table if exists ${sql.identifier(table)}`)
    },
    crud: async (name) => {
      const table = mysqlItems(name)
      return [
        await db.insert(table).values([{ id: 1, name: 'one', qty: 1 }, { id: 2, name: 'two', qty: 2 }, { id: 3, name: 'three', qty: 3 }]),
        await db.select().from(table).orderBy(table.id),
        await db.update(table).set({ qty: 20 }).where(eq(table.id, 2)),
        await db.delete(table).where(eq(table.id, 1)),
        await db.select({ id: table.id, qty: table.qty }).from(table).orderBy(table.id),
        firstRow(await db.execute(sql`select count(*) as n, sum(qty) as total from ${table}`)),
      ]
    },
    insert: (table, id, name, qty) => insertOne(db, table, id, name, qty),
    count: (table) => countOf(db, table),
    transaction: (fn) => db.transaction((tx) => fn(transactionOf(tx))),
    // MariaDB's Sequence engine provides seq_1_to_<n>
    stream: (rows) => db.select({ n: sql<number>`seq` }).from(sql`${sql.identifier(`seq_1_to_${rows}`)}`).iterator(),
    // async, so that the statement starts now: Drizzle's query builders run only when awaited
    hold: async (millis) => db.execute(sql`select sleep(${millis / 1000})`),
    failingBegin: () => errorOf(db.transaction(async () => {}, { isolationLevel: 'no such level' as never })),
    stats: () => (sluice ? sluiceOf(db).stats() : undefined),
    destroy: () => db.$client.end(),
  }
}

export const mysqlHarness: AdapterHarness = {
  orm: 'drizzle',
  database: 'mysql',
  sluice: async ({ min, max, acquireTimeoutMillis }) => {
    const db = drizzle({ connection: MYSQL_URL, pool: { min, max, acquireTimeoutMillis } })
    // open the first connection now, as a readiness probe would: the suite's short timeouts then time waiting, not connecting
    await sluiceOf(db).withConnection(async () => undefined)
    return clientOf(db, true)
  },
  stock: async () => clientOf(stockDrizzle({ client: mysql.createPool(MYSQL_URL) }), false),
  timeoutErrorClass: DrizzleAcquireTimeout,
}
