import pg from 'pg'
import type { ContenderHost } from '../harness/hosted.js'
import { sqlHost, type SqlApi } from './sql-api.js'

/**
 * node-postgres's own pool, `pg.Pool`, as most apps use it: `pool.query()`
 * and `.rows`. `tuned` is its fastest documented configuration,
 * `idleTimeoutMillis: 0`: no idle timer armed on every release.
 */
export async function pgPoolApi(connectionString: string, max: number, tuned = false): Promise<SqlApi & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString, max, ...(tuned ? { idleTimeoutMillis: 0 } : {}) })
  // one connection proves the server answers; the rest open under load, as they would in an app
  await (await pool.connect()).release()
  return {
    name: tuned ? 'pg.Pool, idleTimeoutMillis: 0' : 'pg.Pool',
    role: 'peer',
    library: 'pg.Pool',
    isDefault: !tuned,
    pool,
    select1: async () => (await pool.query('SELECT 1 AS one')).rows,
    point: async (id) => (await pool.query('SELECT * FROM bench_accounts WHERE id = $1', [id])).rows,
    close: () => pool.end(),
  }
}

export async function pgPoolHost(connectionString: string, max: number, tuned: boolean): Promise<ContenderHost> {
  return sqlHost(await pgPoolApi(connectionString, max, tuned))
}
