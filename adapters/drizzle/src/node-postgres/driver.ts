import { createPool, postgres, type PostgresDialectConfig } from '@sluice/core'
import type { DrizzleConfig } from 'drizzle-orm'
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { poolOptionsOf, type SluicePoolOptions } from '../pool-options.js'
import { registerSluiceClient } from '../sluice-of.js'
import type { PgDriver } from './pg-driver-types.js'
import { drizzleTypeParsers } from './pg-type-parsers.js'
import { sluicePgPoolClass, type SluicePgPool } from './sluice-pg-pool.js'

/** Sluice's `postgres()` options, less the type parsers, which are Drizzle's. */
export type SluicePgConnection = Omit<PostgresDialectConfig, 'driver' | 'types'>

/**
 * Where and how to connect (Sluice's `postgres()` options: `connectionString`
 * or `host`/`port`/`user`/`password`/`database`, `ssl`, timeouts, ...), plus
 * the pool's options. Type parsing is Drizzle's (see `drizzleTypeParsers`);
 * change it with `pg.types.setTypeParser()`, as with stock Drizzle.
 */
export interface SluicePgClientConfig extends SluicePgConnection {
  /** Sluice's pool options. Defaults to Sluice's defaults (`min: 2`, `max: 10`, ...). */
  readonly pool?: SluicePoolOptions
  /** Read replicas, as connection strings or options like the primary's (see docs/routing.md). */
  readonly replicas?: ReadonlyArray<string | SluicePgConnection>
  /** The `pg` module Drizzle uses, when the app has more than one copy. Defaults to `import pg from 'pg'`. */
  readonly driver?: PgDriver
}

/**
 * Creates a Sluice pool for PostgreSQL and returns it as a pg `Pool` to hand
 * to Drizzle. Connects lazily, on the first statement.
 *
 * ```ts
 * import { drizzle } from 'drizzle-orm/node-postgres'
 * const client = createSluicePgClient({ connectionString: process.env.DATABASE_URL, pool: { max: 20 } })
 * const db = drizzle({ client, schema })
 * ```
 */
export function createSluicePgClient(config: SluicePgClientConfig): SluicePgPool {
  const { pool: poolOptions, replicas, driver = pg as unknown as PgDriver, ...connection } = config
  const dialect = (target: string | SluicePgConnection) =>
    postgres({ ...(typeof target === 'string' ? { connectionString: target } : target), driver, types: drizzleTypeParsers(driver.types) })
  const pool = createPool(poolOptionsOf(poolOptions, dialect(connection), replicas?.map(dialect)))
  const client = new (sluicePgPoolClass(driver))(pool)
  registerSluiceClient(client, pool)
  return client
}

/** Drizzle's config plus, unless a `client` is given, where to connect and the pool's options. */
export type SluiceNodePgConfig<TSchema extends Record<string, unknown>> = DrizzleConfig<TSchema> &
  (
    | { readonly client: SluicePgPool }
    | {
        readonly connection: string | SluicePgConnection
        readonly replicas?: ReadonlyArray<string | SluicePgConnection>
        readonly pool?: SluicePoolOptions
        readonly driver?: PgDriver
      }
  )

/**
 * Drizzle's `drizzle()` for node-postgres, on a Sluice pool.
 *
 * ```ts
 * import { drizzle } from '@sluice/drizzle/node-postgres'
 * const db = drizzle({ connection: process.env.DATABASE_URL, pool: { max: 20 }, schema })
 * ```
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  config: SluiceNodePgConfig<TSchema>,
): NodePgDatabase<TSchema> & { $client: SluicePgPool } {
  const { client, connection, replicas, pool, driver, ...drizzleConfig } = config as SluiceNodePgConfig<TSchema> & {
    client?: SluicePgPool
    connection?: string | SluicePgConnection
    replicas?: ReadonlyArray<string | SluicePgConnection>
    pool?: SluicePoolOptions
    driver?: PgDriver
  }
  const sluiceClient =
    client ?? createSluicePgClient({ ...(typeof connection === 'string' ? { connectionString: connection } : connection), replicas, pool, driver })
  // the two-argument form: Drizzle never mistakes the client for a config object
  return drizzleNodePg(sluiceClient, drizzleConfig as DrizzleConfig<TSchema>)
}
