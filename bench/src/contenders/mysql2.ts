import mysql from 'mysql2/promise'
import type { ContenderHost } from '../harness/hosted.js'
import { sqlHost, type SqlApi } from './sql-api.js'

type Mysql2Rows = Array<Record<string, unknown>>

/**
 * mysql2's own pool through its promise API (what `import mysql from
 * 'mysql2/promise'` gives an app), in both of its idioms: `query` (text
 * protocol, values escaped client-side, as Sluice's dialect sends them) and
 * `execute` (server-side prepared statements, cached per connection).
 */
export async function mysql2PoolApi(uri: string, max: number, method: 'query' | 'execute'): Promise<SqlApi> {
  const pool = mysql.createPool({ uri, connectionLimit: max })
  await pool.query('SELECT 1')
  const run = async (sql: string, params?: unknown[]): Promise<Mysql2Rows> => {
    const [rows] = method === 'query' ? await pool.query(sql, params) : await pool.execute(sql, params as never)
    return rows as Mysql2Rows
  }
  return {
    name: `mysql2 pool.${method}`,
    role: 'peer',
    library: 'mysql2',
    // both are the library's own API with no option set; `query` is the one its README starts with
    isDefault: method === 'query',
    select1: () => run('SELECT 1 AS one'),
    point: (id) => run('SELECT * FROM bench_accounts WHERE id = ?', [id]),
    close: () => pool.end(),
  }
}

export async function mysql2PoolHost(uri: string, max: number, method: 'query' | 'execute'): Promise<ContenderHost> {
  return sqlHost(await mysql2PoolApi(uri, max, method))
}
