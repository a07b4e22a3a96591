import { createPool, sqlite, type SqliteDialectConfig } from '@sluice/core'
import type { DrizzleConfig } from 'drizzle-orm'
import { drizzle as drizzleBetterSqlite3, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { poolOptionsOf, type SluicePoolOptions } from '../pool-options.js'
import { registerSluiceClient } from '../sluice-of.js'
import { SluiceSqliteClient } from './sluice-sqlite-client.js'

/** Sluice's `sqlite()` options (`filename`, `journalMode`, `busyTimeoutMillis`, `pragmas`, ...) plus the pool's. */
export interface SluiceSqliteClientConfig extends SqliteDialectConfig {
  /**
   * Sluice's pool options. One connection stays pinned for Drizzle's
   * synchronous API; async transactions use the others, so `max` should be
   * at least 2. Defaults to Sluice's defaults (`min: 2`, `max: 10`, ...).
   */
  readonly pool?: SluicePoolOptions
}

/**
 * Creates a Sluice pool for SQLite and a better-sqlite3-shaped client on it
 * for Drizzle. Asynchronous, unlike `new Database()`: it resolves once the
 * connection Drizzle's synchronous calls run on is open and leased.
 *
 * ```ts
 * import { drizzle } from 'drizzle-orm/better-sqlite3'
 * const client = await createSluiceSqliteClient({ filename: 'app.db', pool: { max: 4 } })
 * const db = drizzle({ client: client as never, schema })
 * ```
 */
export async function createSluiceSqliteClient(config: SluiceSqliteClientConfig): Promise<SluiceSqliteClient> {
  const { pool: poolOptions, ...database } = config
  const pool = createPool(poolOptionsOf(poolOptions, sqlite(database), undefined))
  let client: SluiceSqliteClient
  try {
    client = new SluiceSqliteClient(pool, await pool.acquire())
  } catch (error) {
    await pool.close()
    throw error
  }
  registerSluiceClient(client, pool)
  return client
}

/** Drizzle's config plus, unless a `client` is given, the database and the pool's options. */
export type SluiceBetterSqlite3Config<TSchema extends Record<string, unknown>> = DrizzleConfig<TSchema> &
  (
    | { readonly client: SluiceSqliteClient }
    | { readonly connection: string | Omit<SluiceSqliteClientConfig, 'pool'>; readonly pool?: SluicePoolOptions }
  )

/**
 * Drizzle's `drizzle()` for better-sqlite3, on a Sluice pool. Returns a
 * promise (see `createSluiceSqliteClient`); the database it resolves to is
 * Drizzle's usual synchronous one.
 *
 * ```ts
 * import { drizzle } from '@sluice/drizzle/better-sqlite3'
 * const db = await drizzle({ connection: 'app.db', pool: { max: 4 }, schema })
 * ```
 */
export async function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  config: SluiceBetterSqlite3Config<TSchema>,
): Promise<BetterSQLite3Database<TSchema> & { $client: SluiceSqliteClient }> {
  const { client, connection, pool, ...drizzleConfig } = config as SluiceBetterSqlite3Config<TSchema> & {
    client?: SluiceSqliteClient
    connection?: string | Omit<SluiceSqliteClientConfig, 'pool'>
    pool?: SluicePoolOptions
  }
  const sluiceClient =
    client ?? (await createSluiceSqliteClient({ ...(typeof connection === 'string' ? { filename: connection } : connection!), pool }))
  // Drizzle's types name better-sqlite3's Database; the client has the members Drizzle calls
  const db = drizzleBetterSqlite3(sluiceClient as never, drizzleConfig as DrizzleConfig<TSchema>)
  return db as unknown as BetterSQLite3Database<TSchema> & { $client: SluiceSqliteClient }
}
