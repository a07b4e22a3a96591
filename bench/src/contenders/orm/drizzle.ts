import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgTable, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { loadAdapter } from './load-adapter.js'
import type { OrmClient } from './orm-pair.js'

const accounts = pgTable('bench_accounts', {
  id: integer('id').primaryKey(),
  balance: integer('balance').notNull(),
  owner: text('owner').notNull(),
})

type Db = ReturnType<typeof drizzle>

const point = (db: Db, id: number) => db.select().from(accounts).where(eq(accounts.id, id))

/** Drizzle's node-postgres driver on a pg.Pool of 10. */
export async function drizzleStock(url: string, max: number): Promise<OrmClient> {
  const pool = new pg.Pool({ connectionString: url, max })
  const db = drizzle(pool)
  return { name: 'Drizzle on pg.Pool', role: 'peer', point: (id) => point(db, id), close: () => pool.end() }
}

/** Drizzle through `@sluice/drizzle/node-postgres`, pool max 10. */
export async function drizzleSluice(url: string, max: number): Promise<OrmClient> {
  const adapter = await loadAdapter('@sluice/drizzle/node-postgres', ['drizzle'])
  const { sluiceOf } = await loadAdapter('@sluice/drizzle', ['sluiceOf'])
  const db = adapter.drizzle({ connection: url, pool: { max, log: false } }) as Db
  return {
    name: 'Drizzle on Sluice',
    role: 'sluice',
    point: (id) => point(db, id),
    close: () => (sluiceOf(db) as { close(): Promise<void> }).close(),
  }
}
