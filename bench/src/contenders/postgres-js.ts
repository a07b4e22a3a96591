import postgres from 'postgres'
import type { SqlApi } from './sql-api.js'

/**
 * porsager's `postgres` with max 10 and its defaults, which include named
 * prepared statements (`prepare: true`): the server parses each statement
 * once per connection, where pg sends it again every time. That is part of
 * what this client is, so it is measured as shipped.
 */
export async function postgresJsApi(connectionString: string, max: number): Promise<SqlApi> {
  const sql = postgres(connectionString, { max, onnotice: () => {} })
  await sql`SELECT 1`
  return {
    name: 'postgres.js',
    role: 'peer',
    select1: () => sql`SELECT 1 AS one`,
    point: (id) => sql`SELECT * FROM bench_accounts WHERE id = ${id}`,
    close: () => sql.end({ timeout: 5 }),
  }
}
