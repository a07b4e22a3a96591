import { createPool, mysql, type MysqlDialectConfig } from '@sluice/core'
import { drizzle as drizzleMysql2, type MySql2Database, type MySql2DrizzleConfig } from 'drizzle-orm/mysql2'
import { poolOptionsOf, type SluicePoolOptions } from '../pool-options.js'
import { registerSluiceClient } from '../sluice-of.js'
import { drizzleTypeCast } from './mysql2-type-cast.js'
import { SluiceMysql2Pool } from './sluice-mysql2-pool.js'

/** Sluice's `mysql()` options, less `typeCast`, which is Drizzle's. */
export type SluiceMysql2Connection = Omit<MysqlDialectConfig, 'typeCast'>

/**
 * Where and how to connect (Sluice's `mysql()` options: `connectionString`
 * or `host`/`port`/`user`/`password`/`database`, `ssl`, `timezone`,
 * `supportBigNumbers`, an explicit `driver`, ...), plus the pool's options.
 * Values are converted as Drizzle's statements ask (see `drizzleTypeCast`).
 */
export interface SluiceMysql2ClientConfig extends SluiceMysql2Connection {
  /** Sluice's pool options. Defaults to Sluice's defaults (`min: 2`, `max: 10`, ...). */
  readonly pool?: SluicePoolOptions
  /** Read replicas, as connection strings or options like the primary's (see docs/routing.md). */
  readonly replicas?: ReadonlyArray<string | SluiceMysql2Connection>
}

/**
 * Creates a Sluice pool for MySQL/MariaDB and returns it as a mysql2
 * pool-shaped client for Drizzle. Connects lazily, on the first statement.
 *
 * ```ts
 * const client = createSluiceMysql2Client({ connectionString: process.env.DATABASE_URL, pool: { max: 20 } })
 * const db = drizzle({ client, schema, mode: 'default' })
 * ```
 */
export function createSluiceMysql2Client(config: SluiceMysql2ClientConfig): SluiceMysql2Pool {
  const { pool: poolOptions, replicas, ...connection } = config
  const dialect = (target: string | SluiceMysql2Connection) =>
    mysql({ ...(typeof target === 'string' ? { connectionString: target } : target), typeCast: drizzleTypeCast })
  const pool = createPool(poolOptionsOf(poolOptions, dialect(connection), replicas?.map(dialect)))
  const client = new SluiceMysql2Pool(pool)
  registerSluiceClient(client, pool)
  return client
}

/** Drizzle's mysql2 config plus, unless a `client` is given, where to connect and the pool's options. */
export type SluiceMysql2Config<TSchema extends Record<string, unknown>> = MySql2DrizzleConfig<TSchema> &
  (
    | { readonly client: SluiceMysql2Pool }
    | {
        readonly connection: string | SluiceMysql2Connection
        readonly replicas?: ReadonlyArray<string | SluiceMysql2Connection>
        readonly pool?: SluicePoolOptions
      }
  )

/**
 * Drizzle's `drizzle()` for mysql2, on a Sluice pool.
 *
 * ```ts
 * import { drizzle } from '@sluice/drizzle/mysql2'
 * const db = drizzle({ connection: process.env.DATABASE_URL, pool: { max: 20 }, schema, mode: 'default' })
 * ```
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  config: SluiceMysql2Config<TSchema>,
): MySql2Database<TSchema> & { $client: SluiceMysql2Pool } {
  const { client, connection, replicas, pool, ...drizzleConfig } = config as SluiceMysql2Config<TSchema> & {
    client?: SluiceMysql2Pool
    connection?: string | SluiceMysql2Connection
    replicas?: ReadonlyArray<string | SluiceMysql2Connection>
    pool?: SluicePoolOptions
  }
  const sluiceClient =
    client ?? createSluiceMysql2Client({ ...(typeof connection === 'string' ? { connectionString: connection } : connection), replicas, pool })
  // Drizzle's types name mysql2's own classes; the client has the members Drizzle calls
  const db = drizzleMysql2(sluiceClient as never, drizzleConfig as MySql2DrizzleConfig<TSchema>)
  return db as unknown as MySql2Database<TSchema> & { $client: SluiceMysql2Pool }
}
