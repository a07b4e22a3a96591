import knexFactory, { type Knex } from 'knex'
import { loadAdapter } from './load-adapter.js'
import type { OrmClient } from './orm-pair.js'

const point = (knex: Knex, id: number) => knex('bench_accounts').select('*').where('id', id) as Promise<Array<Record<string, unknown>>>

/** Knex's pg client on its default pool (tarn, min 2, max 10). */
export async function knexStock(url: string, max: number): Promise<OrmClient> {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 2, max } })
  return { name: 'Knex on tarn', role: 'peer', point: (id) => point(knex, id), close: () => knex.destroy() }
}

/** Knex with `@sluice/knex`'s SluicePg client, pool max 10. */
export async function knexSluice(url: string, max: number): Promise<OrmClient> {
  const { SluicePg } = await loadAdapter('@sluice/knex', ['SluicePg'])
  const knex = knexFactory({ client: SluicePg, connection: url, pool: { min: 2, max } })
  return { name: 'Knex on Sluice', role: 'sluice', point: (id) => point(knex, id), close: () => knex.destroy() }
}
