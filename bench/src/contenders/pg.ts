import pg from 'pg'
import type { SqlApi } from './sql-api.js'

/** node-postgres's own pool, `pg.Pool`, as most apps use it: `pool.query()` and `.rows`. */
export async function pgPoolApi(connectionString: string, max: number): Promise<SqlApi & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString, max })
  // one connection proves the server answers; the rest open under load, as they would in an app
  await (await pool.connect()).release()
  return {
    name: 'pg.Pool',
    role: 'peer',
    pool,
    select1: async () => (await pool.query('SELECT 1 AS one')).rows,
    point: async (id) => (await pool.query('SELECT * FROM bench_accounts WHERE id = $1', [id])).rows,
    close: () => pool.end(),
  }
}
