/**
 * What every scratch app of the packaging smoke test runs against the packed
 * packages: one SQLite query through @sluice/core and one through each ORM
 * adapter. The smoke test compiles this one file three ways (as `.cts` and
 * `.mts` under `node16`, as `.ts` under `bundler` and `node10`), so the same
 * code checks the published types in every resolution mode and then runs as
 * CommonJS (plain Node, Jest) and as an ES module. It imports nothing from
 * Node itself, so the TypeScript 4.7 check reads only the packages' types.
 */
import { createPool, sqlite, type Pool } from '@sluice/core'
import { leadingKeywords } from '@sluice/core/adapter'
import { drizzle } from '@sluice/drizzle/better-sqlite3'
import { SluiceBetterSqlite3 } from '@sluice/knex'
import { SluiceSqliteDialect, sluiceOf } from '@sluice/kysely'
import { eq, sql as drizzleSql } from 'drizzle-orm'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import knex from 'knex'
import { Kysely, sql } from 'kysely'

/** What `queryThroughEverything()` resolves to when every package works. */
export const EXPECTED = {
  core: { answer: 42, keywords: ['SELECT'] },
  kysely: [{ id: 1, name: 'kysely' }],
  knex: [{ id: 7, name: 'knex' }],
  drizzle: [{ id: 3, name: 'drizzle' }],
}

/** Fails to compile if `T` is `any`: the published types must resolve, not degrade silently. */
type NotAny<T> = 0 extends 1 & T ? never : T
function typed<T>(value: NotAny<T>): T {
  return value
}

/** Runs the queries, with the SQLite files of the ORMs' databases in `dir` (the apps make and remove it). */
export async function queryThroughEverything(dir: string): Promise<typeof EXPECTED> {
  return {
    core: await throughCore(),
    kysely: await throughKysely(`${dir}/kysely.db`),
    knex: await throughKnex(`${dir}/knex.db`),
    drizzle: await throughDrizzle(`${dir}/drizzle.db`),
  }
}

async function throughCore(): Promise<typeof EXPECTED.core> {
  const pool = typed<Pool>(createPool({ dialect: sqlite({ filename: ':memory:' }), min: 1, max: 1 }))
  try {
    const row = await pool.query<{ answer: number }>('SELECT ? * 2 AS answer', [21], { fetch: 'one' })
    return { answer: typed<number>(row!.answer), keywords: leadingKeywords('select 1', 1) }
  } finally {
    await pool.close()
  }
}

async function throughKysely(filename: string): Promise<typeof EXPECTED.kysely> {
  const db = new Kysely<{ people: { id: number; name: string } }>({ dialect: new SluiceSqliteDialect({ pool: { filename, max: 2 } }) })
  try {
    await db.schema.createTable('people').addColumn('id', 'integer', (column) => column.primaryKey()).addColumn('name', 'text').execute()
    await db.insertInto('people').values({ id: 1, name: 'kysely' }).execute()
    typed<Pool>(sluiceOf(db))
    return await db.selectFrom('people').select(['id', 'name']).where('id', '=', 1).execute()
  } finally {
    await db.destroy()
  }
}

async function throughKnex(filename: string): Promise<typeof EXPECTED.knex> {
  const db = knex({ client: SluiceBetterSqlite3, connection: { filename }, useNullAsDefault: true, pool: { max: 2 } })
  try {
    await db.schema.createTable('people', (table) => {
      table.integer('id').primary()
      table.text('name')
    })
    await db('people').insert({ id: 7, name: 'knex' })
    return await db<{ id: number; name: string }>('people').select('id', 'name').where('id', 7)
  } finally {
    await db.destroy()
  }
}

const people = sqliteTable('people', { id: integer().primaryKey(), name: text().notNull() })

async function throughDrizzle(filename: string): Promise<typeof EXPECTED.drizzle> {
  const db = await drizzle({ connection: filename, pool: { max: 2 } })
  try {
    db.run(drizzleSql`create table people (id integer primary key, name text not null)`)
    db.insert(people).values({ id: 3, name: 'drizzle' }).run()
    return db.select().from(people).where(eq(people.id, 3)).all()
  } finally {
    await db.$client.close()
  }
}

/**
 * Holds the only connection of a Kysely-on-Sluice pool in a transaction and
 * queries beside it: resolves to the error the second query fails with, a
 * `PoolTimeoutError` made by whichever copy of @sluice/core this module's
 * adapter loaded.
 */
export async function poolTimeoutThroughKysely(): Promise<unknown> {
  const db = new Kysely<Record<string, never>>({ dialect: new SluiceSqliteDialect({ pool: { filename: ':memory:', min: 1, max: 1, acquireTimeoutMillis: 50 } }) })
  try {
    return await db.transaction().execute(async () => {
      try {
        await sql`select 1`.execute(db)
        return new Error('the second query got a connection, but the pool has only one')
      } catch (error) {
        return error
      }
    })
  } finally {
    await db.destroy()
  }
}
