import type { Pool } from '@sluice/core'

/**
 * Pools by the Knex client's `config` object. Knex runs a transaction on a
 * stripped copy of the client (`makeTxClient`) that shares the same `config`
 * object but none of the client's own fields, so keying by `config` lets
 * both reach the pool, and lets the pool be created while Knex's constructor
 * is still running (before subclass fields exist).
 */
const pools = new WeakMap<object, Pool>()

/** @internal */
export function poolOf(client: { readonly config?: unknown }): Pool | undefined {
  const config = client.config
  return typeof config === 'object' && config !== null ? pools.get(config) : undefined
}

/** @internal */
export function setPool(client: { readonly config: object }, pool: Pool | undefined): void {
  if (pool) pools.set(client.config, pool)
  else pools.delete(client.config)
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
  const client = knex.client as { readonly config?: unknown } | undefined
  const pool = client ? poolOf(client) : undefined
  if (pool) return pool
  throw new TypeError(
    'sluiceOf: this knex instance has no Sluice pool: its client is not a Sluice client (SluicePg, SluiceMysql2, SluiceBetterSqlite3), or it was destroyed and not initialized again',
  )
}
