import type { Pool } from '@sluice/core'

/**
 * Pools by the Knex client's `logger`. Knex copies a client in two ways,
 * and the logger is the one object every copy shares by reference:
 * - a transaction runs on a stripped copy (`makeTxClient`) that gets the
 *   client's `config`, `driver`, `logger` and a few other fields, but none
 *   of its own state;
 * - `knex.withUserParams()`, which the Migrator calls, makes a deep copy
 *   (lodash `merge`, which copies class instances such as the logger by
 *   reference) with a fresh copy of `config`.
 * Keying by the logger also lets the pool be created while Knex's
 * constructor is still running (before subclass fields exist).
 */
const pools = new WeakMap<object, Pool>()

interface KnexClientLike {
  readonly logger?: unknown
}

function keyOf(client: KnexClientLike): object | undefined {
  const { logger } = client
  return typeof logger === 'object' && logger !== null ? logger : undefined
}

/** @internal */
export function poolOf(client: KnexClientLike): Pool | undefined {
  const key = keyOf(client)
  return key === undefined ? undefined : pools.get(key)
}

/** @internal */
export function setPool(client: KnexClientLike, pool: Pool | undefined): void {
  const key = keyOf(client)
  if (key === undefined) throw new TypeError('@sluice/knex: this Knex client has no logger to find its pool by')
  if (pool) pools.set(key, pool)
  else pools.delete(key)
}

/**
 * The Sluice pool under a Knex instance (or a transaction of one), for
 * statistics, events and workflows.
 *
 * ```ts
 * const db = knex({ client: SluicePg, connection: process.env.DATABASE_URL })
 * const { activeConnections, totalConnections } = sluiceOf(db).stats().currentState
 * ```
 *
 * Throws if the instance does not run on a Sluice client, or after
 * `knex.destroy()` (until `knex.initialize()`).
 */
export function sluiceOf(knex: { readonly client: unknown }): Pool {
  const client = knex.client as KnexClientLike | undefined
  const pool = client ? poolOf(client) : undefined
  if (pool) return pool
  throw new TypeError(
    'sluiceOf: this knex instance has no Sluice pool: its client is not a Sluice client (SluicePg, SluiceMysql2, SluiceBetterSqlite3), or it was destroyed and not initialized again',
  )
}
