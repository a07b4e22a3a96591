import postgres from 'postgres'
import type { ContenderHost } from '../harness/hosted.js'
import { sqlHost, type SqlApi } from './sql-api.js'

/**
 * porsager's `postgres` with max 10, as shipped (`prepare: true`: named
 * prepared statements, so the server parses each statement once per
 * connection where pg sends it again every time) and with `prepare: false`
 * (unnamed statements, as pg sends them). Either can be the faster one,
 * depending on the statement and the load; the report divides by both.
 */
export async function postgresJsApi(connectionString: string, max: number, prepare = true): Promise<SqlApi> {
  const sql = postgres(connectionString, { max, prepare, onnotice: () => {} })
  await sql`SELECT 1`
  return {
    name: prepare ? 'postgres.js' : 'postgres.js, prepare: false',
    role: 'peer',
    library: 'postgres.js',
    isDefault: prepare,
    select1: () => sql`SELECT 1 AS one`,
    point: (id) => sql`SELECT * FROM bench_accounts WHERE id = ${id}`,
    close: () => sql.end({ timeout: 5 }),
  }
}

export async function postgresJsHost(connectionString: string, max: number, prepare: boolean): Promise<ContenderHost> {
  return sqlHost(await postgresJsApi(connectionString, max, prepare))
}
