/**
 * The shared adapter suite's harness, written in Kysely's own idiom: the
 * query builder, `db.transaction().execute()`, the `sql` template and
 * `.stream()`.
 */
import { PoolTimeoutError } from '@sluice/core'
import { Kysely, sql } from 'kysely'
import type { Transaction } from 'kysely'
import type { AdapterHarness, OrmClient, OrmTransaction, PoolSettings } from '../../../../test/adapters/harness.js'
import { sluiceOf } from '../../src/index.js'
import type { KyselyTarget, TestDB } from './targets.js'

export function kyselyHarness(target: KyselyTarget): AdapterHarness {
  return {
    orm: 'kysely',
    database: target.database,
    sluice: async (settings: PoolSettings) => client(target, new Kysely<TestDB>({ dialect: target.sluice(settings) }), true),
    stock: async () => client(target, new Kysely<TestDB>({ dialect: target.stock() }), false),
    // Kysely has no acquire-timeout error of its own; its stock pools raise their driver's (pg-pool: a plain Error)
    timeoutErrorClass: PoolTimeoutError,
  }
}

function client(target: KyselyTarget, db: Kysely<TestDB>, onSluice: boolean): OrmClient {
  return {
    createTable: async (table) => {
      await db.schema
        .createTable(table)
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('name', 'varchar(100)', (col) => col.notNull())
        .addColumn('qty', 'integer', (col) => col.notNull())
        .execute()
    },
    dropTable: async (table) => {
      await db.schema.dropTable(table).ifExists().execute()
    },
    crud: async (table) => {
      const results: unknown[] = []
      results.push(await db.insertInto(table).values([{ id: 1, name: 'bolt', qty: 10 }, { id: 2, name: 'nut', qty: 20 }]).executeTakeFirst())
      if (target.returning) results.push(await db.insertInto(table).values({ id: 3, name: 'washer', qty: 30 }).returning(['id', 'name']).execute())
      else results.push(await db.insertInto(table).values({ id: 3, name: 'washer', qty: 30 }).executeTakeFirst())
      results.push(await db.selectFrom(table).selectAll().orderBy('id').execute())
      results.push(await db.updateTable(table).set((eb) => ({ qty: eb('qty', '+', 1) })).where('id', '<=', 2).executeTakeFirst())
      results.push(await db.deleteFrom(table).where('id', '=', 3).executeTakeFirst())
      results.push(await db.selectFrom(table).select(['name', 'qty']).where('id', '=', 1).executeTakeFirstOrThrow())
      results.push(await db.selectFrom(table).select((eb) => eb.fn.sum<number>('qty').as('total')).executeTakeFirst())
      results.push(await db.selectFrom(table).selectAll().orderBy('id').execute())
      return results
    },
    insert: async (table, id, name, qty) => {
      await db.insertInto(table).values({ id, name, qty }).execute()
    },
    count: (table) => count(db, table),
    transaction: (fn) => db.transaction().execute((trx) => fn(transaction(target, trx))),
    stream: (n) => series(db, n).stream(500),
    hold: (millis) => target.sleep(db, millis),
    failingBegin: () => failingBegin(target, db),
    stats: () => (onSluice ? sluiceOf(db).stats() : undefined),
    destroy: () => db.destroy(),
  }
}

function transaction(target: KyselyTarget, trx: Transaction<TestDB>): OrmTransaction {
  return {
    backendId: () => target.backendId(trx),
    insert: async (table, id, name, qty) => {
      await trx.insertInto(table).values({ id, name, qty }).execute()
    },
    count: (table) => count(trx, table),
    setSessionValue: (value) => target.setSessionValue(trx, value),
    sessionValue: () => target.sessionValue(trx),
    tempTableRoundTrip: async () => {
      const temp = 'kysely_round_trip'
      await trx.schema.createTable(temp).temporary().addColumn('id', 'integer').addColumn('name', 'varchar(100)').addColumn('qty', 'integer').execute()
      try {
        await trx.insertInto(temp).values([1, 2, 3].map((id) => ({ id, name: `temp ${id}`, qty: id }))).execute()
        return await count(trx, temp)
      } finally {
        await target.dropTemporary(trx, temp)
      }
    },
    failingStatement: (table, id) =>
      trx
        .insertInto(table)
        .values({ id, name: 'duplicate', qty: 0 })
        .execute()
        .then(() => new Error(`inserting id ${id} twice did not fail`), (error: unknown) => error),
  }
}

async function count(db: Kysely<TestDB>, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  // pg returns count(*) (a bigint) as a string
  return Number(row.n)
}

/**
 * 1..n (n <= 10 000) from four copies of the digits 0-9: a recursive CTE of
 * n rows would hit MariaDB's `max_recursive_iterations` (1000 by default).
 */
export function series(db: Kysely<TestDB>, n: number) {
  if (n > 10_000) throw new RangeError(`series(${n}): at most 10000`)
  return db
    .withRecursive('digits(d)', (qb) =>
      qb.selectNoFrom(sql<number>`0`.as('d')).unionAll((qb) => qb.selectFrom('digits').select(sql<number>`d + 1`.as('d')).where('d', '<', 9)),
    )
    .selectFrom(['digits as ones', 'digits as tens', 'digits as hundreds', 'digits as thousands'])
    .select(sql<number>`ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d + 1`.as('n'))
    .where(sql<number>`ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d + 1`, '<=', n)
}

/**
 * A transaction whose BEGIN fails. On PostgreSQL and MySQL, an isolation
 * level they lack (`snapshot` is SQL Server's); SQLite ignores isolation
 * levels, so there a BEGIN inside an open transaction.
 */
async function failingBegin(target: KyselyTarget, db: Kysely<TestDB>): Promise<unknown> {
  if (target.database !== 'sqlite') {
    return db.transaction().setIsolationLevel('snapshot').execute(async () => 'began').catch((error: unknown) => error)
  }
  return db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn)
    try {
      return await conn.transaction().execute(async () => 'began').catch((error: unknown) => error)
    } finally {
      // Kysely 0.28.0 itself rolled back after the failed BEGIN, ending the outer transaction already
      await sql`rollback`.execute(conn).catch(() => undefined)
    }
  })
}
