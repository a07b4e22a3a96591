import knex, { type Knex } from 'knex'
import { SluiceBetterSqlite3, SluiceMysql2, SluicePg, sluicePoolConfig } from '@sluice/knex'

export type DatabaseKind = 'postgres' | 'mysql' | 'sqlite'

export interface Shop {
  readonly db: Knex
  readonly kind: DatabaseKind
}

/**
 * The shop's Knex instance. Compared with stock Knex, only `client` changed:
 * `SluicePg` instead of `'pg'` (and so on), with Sluice options next to the
 * usual `min`/`max` in `pool`.
 */
export function connect(databaseUrl: string | undefined, sqliteFile: string): Shop {
  const kind = kindOf(databaseUrl)
  const pool = sluicePoolConfig({
    name: 'knex-app',
    min: 1,
    // stock Knex keeps one SQLite connection; Sluice lets readers run beside the writer
    max: 8,
    acquireTimeoutMillis: 10_000,
    healthCheckIntervalMillis: 10_000,
    log: ['error'],
  })
  const client = { postgres: SluicePg, mysql: SluiceMysql2, sqlite: SluiceBetterSqlite3 }[kind]
  const connection = kind === 'sqlite' ? { filename: sqliteFile } : databaseUrl
  return { db: knex({ client, connection, pool, useNullAsDefault: true }), kind }
}

function kindOf(databaseUrl: string | undefined): DatabaseKind {
  if (databaseUrl === undefined || databaseUrl === '') return 'sqlite'
  const scheme = /^([a-z0-9+]+):/i.exec(databaseUrl)?.[1]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres'
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql'
  throw new Error(`DATABASE_URL must be a postgres:// or mysql:// URL (leave it unset for SQLite), not ${scheme ?? 'that'}`)
}
