import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { loadAdapter } from './load-adapter.js'
import type { OrmClient } from './orm-pair.js'

interface Db {
  bench_accounts: { id: number; balance: number; owner: string }
}

const point = (db: Kysely<Db>, id: number) => db.selectFrom('bench_accounts').selectAll().where('id', '=', id).execute()

/** Kysely's own PostgresDialect on a pg.Pool of 10. */
export async function kyselyStock(url: string, max: number): Promise<OrmClient> {
  const db = new Kysely<Db>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max }) }) })
  return { name: 'Kysely on pg.Pool', role: 'peer', point: (id) => point(db, id), close: () => db.destroy() }
}

/** Kysely on `@sluice/kysely`'s SluicePostgresDialect, pool max 10. */
export async function kyselySluice(url: string, max: number): Promise<OrmClient> {
  const { SluicePostgresDialect } = await loadAdapter('@sluice/kysely', ['SluicePostgresDialect'])
  const db = new Kysely<Db>({ dialect: new SluicePostgresDialect({ pool: { connectionString: url, max, log: false }, driver: pg }) })
  return { name: 'Kysely on Sluice', role: 'sluice', point: (id) => point(db, id), close: () => db.destroy() }
}
