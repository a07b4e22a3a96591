import type { Pool } from '@sluice/core'

// the Sluice pool behind each client this package created; a WeakMap, so a client and its db are never kept alive by it
const pools = new WeakMap<object, Pool>()

/** @internal records the pool behind a client the adapter created */
export function registerSluiceClient(client: object, pool: Pool): void {
  pools.set(client, pool)
}

/**
 * The Sluice pool behind a Drizzle database (or behind its client), for
 * `stats()`, events, workflows and `close()`.
 *
 * ```ts
 * const db = drizzle({ connection: process.env.DATABASE_URL })
 * console.log(sluiceOf(db).stats().currentState)
 * ```
 */
export function sluiceOf(db: object): Pool {
  const pool = pools.get(db) ?? pools.get((db as { $client?: object }).$client ?? db)
  if (pool === undefined) {
    throw new TypeError('sluiceOf() expects a Drizzle database (or its client) created by @sluice/drizzle')
  }
  return pool
}
