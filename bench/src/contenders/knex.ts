import knexFactory from 'knex'
import type { SqlApi } from './sql-api.js'

/** Knex on pg with its default pool (tarn, min 2, max 10), through `knex.raw` so no query builder cost is added. */
export async function knexPgApi(connectionString: string, max: number): Promise<SqlApi> {
  const knex = knexFactory({ client: 'pg', connection: connectionString, pool: { min: 2, max } })
  await knex.raw('SELECT 1')
  return {
    name: 'Knex',
    role: 'peer',
    select1: async () => ((await knex.raw('SELECT 1 AS one')) as { rows: Array<Record<string, unknown>> }).rows,
    point: async (id) => ((await knex.raw('SELECT * FROM bench_accounts WHERE id = ?', [id])) as { rows: Array<Record<string, unknown>> }).rows,
    close: () => knex.destroy(),
  }
}
