/**
 * The shared adapter suite's harness for Drizzle on node-postgres, written in
 * Drizzle's idiom: pgTable tables, query builders, `db.transaction()`, `sql`.
 */
import { count, eq, sql } from 'drizzle-orm'
import { drizzle as stockDrizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { integer, pgTable, varchar } from 'drizzle-orm/pg-core'
import type { AdapterHarness, OrmClient, OrmTransaction } from '../../../../test/adapters/harness.js'
import { drizzle, sluiceOf } from '../../src/node-postgres/index.js'
import { DrizzleAcquireTimeout, errorOf, PG_URL } from './databases.js'

const tables = new Map<string, ReturnType<typeof itemsTable>>()

function itemsTable(name: string) {
  return pgTable(name, { id: integer().primaryKey(), name: varchar({ length: 100 }).notNull(), qty: integer().notNull() })
}

/** The suite's `(id, name, qty)` table named `name`, as a Drizzle table. */
export function pgItems(name: string): ReturnType<typeof itemsTable> {
  let table = tables.get(name)
  if (table === undefined) tables.set(name, (table = itemsTable(name)))
  return table
}

type PgDb = NodePgDatabase & { $client: { end(): Promise<void> } }
type PgTx = Parameters<Parameters<NodePgDatabase['transaction']>[0]>[0]
type PgRunner = PgDb | PgTx

/** The public part of pg's Result, which is what an app reads of a write. */
function written(result: { command: string; rowCount: number | null }): unknown {
  return { command: result.command, rowCount: result.rowCount }
}

function insertOne(db: PgRunner, table: string, id: number, name: string, qty: number): Promise<void> {
  return db
    .insert(pgItems(table))
    .values({ id, name, qty })
    .then(() => undefined)
}

async function countOf(db: PgRunner, table: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(pgItems(table))
  return row!.n
}

function transactionOf(tx: PgTx): OrmTransaction {
  return {
    backendId: async () => String((await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0]!.pid),
    insert: (table, id, name, qty) => insertOne(tx, table, id, name, qty),
    count: (table) => countOf(tx, table),
    setSessionValue: async (value) => {
      await tx.execute(sql`select set_config('sluice.value', ${value}, false)`)
    },
    sessionValue: async () => {
      const { rows } = await tx.execute<{ v: string | null }>(sql`select current_setting('sluice.value', true) as v`)
      return rows[0]?.v ?? undefined
    },
    tempTableRoundTrip: async () => {
      await tx.execute(sql`create temp table drizzle_roundtrip (n integer) on commit drop`)
      await tx.execute(sql`insert into drizzle_roundtrip values (1), (2), (3)`)
      const { rows } = await tx.execute<{ n: number }>(sql`select count(*)::int as n from drizzle_roundtrip`)
      return rows[0]!.n
    },
    failingStatement: (table, id) => errorOf(insertOne(tx, table, id, 'duplicate', 0)),
  }
}

function clientOf(db: PgDb, sluice: boolean): OrmClient {
  return {
    createTable: async (table) => {
      await db.execute(sql`create table ${sql.identifier(table)} (id integer primary key, name varchar(100) not null, qty integer not null)`)
    },
    dropTable: async (table) => {
      await db.execute(sql`drop table if exists ${sql.identifier(table)}`)
    },
    crud: async (name) => {
      const table = pgItems(name)
      return [
        await db.insert(table).values([{ id: 1, name: 'one', qty: 1 }, { id: 2, name: 'two', qty: 2 }, { id: 3, name: 'three', qty: 3 }]).returning(),
        await db.select().from(table).orderBy(table.id),
        written(await db.update(table).set({ qty: 20 }).where(eq(table.id, 2))),
        await db.update(table).set({ name: 'THREE' }).where(eq(table.id, 3)).returning({ id: table.id, name: table.name }),
        written(await db.delete(table).where(eq(table.id, 1))),
        await db.select({ id: table.id, qty: table.qty }).from(table).orderBy(table.id),
        (await db.execute(sql`select count(*) as n, sum(qty) as total from ${table}`)).rows,
      ]
    },
    insert: (table, id, name, qty) => insertOne(db, table, id, name, qty),
    count: (table) => countOf(db, table),
    transaction: (fn) => db.transaction((tx) => fn(transactionOf(tx))),
    stream: () => {
      throw new Error('drizzle-orm 0.45.4 has no streaming API for node-postgres')
    },
    // async, so that the statement starts now: Drizzle's query builders run only when awaited. In a
    // transaction, so that it holds its connection: a lone autocommit statement would let others
    // join it with implicit pipelining (the Sluice default), and the pool would not be exhausted
    hold: async (millis) => db.transaction((tx) => tx.execute(sql`select pg_sleep(${millis / 1000})`)),
    failingBegin: () => errorOf(db.transaction(async () => {}, { isolationLevel: 'no such level' as never })),
    stats: () => (sluice ? sluiceOf(db).stats() : undefined),
    destroy: () => db.$client.end(),
  }
}

export const pgHarness: AdapterHarness = {
  orm: 'drizzle',
  database: 'postgres',
  sluice: async ({ min, max, acquireTimeoutMillis }) => {
    const db = drizzle({ connection: PG_URL, pool: { min, max, acquireTimeoutMillis } })
    // open the first connection now, as a readiness probe would: the suite's short timeouts then time waiting, not connecting
    await sluiceOf(db).withConnection(async () => undefined)
    return clientOf(db, true)
  },
  stock: async () => clientOf(stockDrizzle(PG_URL), false),
  timeoutErrorClass: DrizzleAcquireTimeout,
  notApplicable: {
    'streams a large result':
      "drizzle-orm 0.45.4's node-postgres driver has no streaming API: pg-core queries have no .iterator() (only the mysql2 driver's do)",
  },
}
