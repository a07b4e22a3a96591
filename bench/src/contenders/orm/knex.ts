import knexFactory, { type Knex } from 'knex'
import { loadAdapter } from './load-adapter.js'
import type { OrmClient } from './orm-pair.js'

const point = (knex: Knex, id: number) => knex('bench_accounts').select('*').where('id', id) as Promise<Array<Record<string, unknown>>>

/** Knex's pg client on its default pool (tarn, min 2, max 10). */
export async function knexStock(url: string, max: number): Promise<OrmClient> {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 2, max } })
  return { name: 'Knex on tarn', role: 'peer', point: (id) => point(knex, id), close: () => knex.destroy() }
}

/**
 * Knex's `pgnative` client (pg's native bindings over libpq, through the
 * optional pg-native package) on its default pool: its fastest documented
 * PostgreSQL configuration. Unavailable, with the reason, where pg-native
 * did not build (it needs libpq's headers and a compiler).
 */
export async function knexPgNative(url: string, max: number): Promise<OrmClient> {
  const knex = knexFactory({ client: 'pgnative', connection: url, pool: { min: 2, max } })
  try {
    await knex.raw('SELECT 1')
  } catch (error) {
    await knex.destroy()
    throw error
  }
  return { name: 'Knex on tarn, pgnative', role: 'peer', point: (id) => point(knex, id), close: () => knex.destroy() }
}

/** Knex with `@sluice/knex`'s SluicePg client, pool max 10. */
export async function knexSluice(url: string, max: number): Promise<OrmClient> {
  const { SluicePg } = await loadAdapter('@sluice/knex', ['SluicePg'])
  const knex = knexFactory({ client: SluicePg, connection: url, pool: { min: 2, max } })
  return { name: 'Knex on Sluice', role: 'sluice', point: (id) => point(knex, id), close: () => knex.destroy() }
}
