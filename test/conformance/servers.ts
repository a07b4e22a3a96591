/**
 * The local servers the upstream suites run on, and the databases and
 * accounts they expect (created by `prepareServers()`). PostgreSQL is the
 * shared server; MySQL defaults to a private MariaDB on 127.0.0.1:3340
 * (CONFORMANCE_MYSQL_PORT), because the upstream suites' DDL would otherwise
 * replicate into the shared replica that other test runs rely on.
 */
export const PG = { host: '127.0.0.1', port: Number(process.env.CONFORMANCE_PG_PORT ?? 5432), admin: 'postgres' } as const
export const MYSQL = { host: '127.0.0.1', port: Number(process.env.CONFORMANCE_MYSQL_PORT ?? 3340), admin: 'root' } as const

/** The upstream suites' own databases and accounts (the names in their setup files). */
export const ACCOUNTS = {
  knex: { database: 'knex_test', pgUser: 'testuser', pgPassword: 'knextest', mysqlUser: 'testuser', mysqlPassword: 'testpassword' },
  kysely: { database: 'kysely_test', pgUser: 'kysely', pgPassword: '', mysqlUser: 'kysely', mysqlPassword: 'kysely' },
  drizzle: { database: 'drizzle_conformance', pgUser: 'postgres', pgPassword: '', mysqlUser: 'root', mysqlPassword: '' },
} as const

export type Orm = keyof typeof ACCOUNTS

/** SQL that creates an ORM's database and account, for `psql` and `mysql` (idempotent). */
export function setupSql(orm: Orm): { readonly pg: string[]; readonly mysql: string[] } {
  const { database, pgUser, pgPassword, mysqlUser, mysqlPassword } = ACCOUNTS[orm]
  const pg = [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${pgUser}') THEN CREATE ROLE ${pgUser} LOGIN SUPERUSER${pgPassword ? ` PASSWORD '${pgPassword}'` : ''}; END IF; END $$`,
    `SELECT 'CREATE DATABASE ${database} OWNER ${pgUser}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${database}')\\gexec`,
  ]
  const mysql = [`CREATE DATABASE IF NOT EXISTS ${database}`]
  if (mysqlUser !== 'root') {
    for (const host of ['%', 'localhost']) {
      mysql.push(`CREATE USER IF NOT EXISTS '${mysqlUser}'@'${host}' IDENTIFIED BY '${mysqlPassword}'`, `GRANT ALL ON *.* TO '${mysqlUser}'@'${host}'`)
    }
  }
  return { pg, mysql }
}

export function pgUrl(orm: Orm): string {
  const { database, pgUser, pgPassword } = ACCOUNTS[orm]
  return `postgres://${pgUser}${pgPassword ? `:${pgPassword}` : ''}@${PG.host}:${PG.port}/${database}`
}

export function mysqlUrl(orm: Orm): string {
  const { database, mysqlUser, mysqlPassword } = ACCOUNTS[orm]
  return `mysql://${mysqlUser}${mysqlPassword ? `:${mysqlPassword}` : ''}@${MYSQL.host}:${MYSQL.port}/${database}`
}
