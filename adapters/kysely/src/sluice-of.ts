import type { Pool } from '@sluice/core'
import type { DialectAdapter, Kysely } from 'kysely'

/**
 * The pool behind each adapter a Sluice dialect created. Kysely makes one
 * adapter per `Kysely` instance and shares it with everything derived from
 * it (transactions, `withPlugin()`, `withSchema()`), so the adapter is the
 * one object reachable from all of them.
 */
const pools = new WeakMap<DialectAdapter, Pool>()

/** @internal called by the dialects' `createAdapter()`. */
export function registerPool<A extends DialectAdapter>(adapter: A, pool: Pool): A {
  pools.set(adapter, pool)
  return adapter
}

/**
 * The Sluice pool a Kysely instance runs on, for its statistics, events,
 * warm-up and workflow scopes. Works on the `Kysely` object and on anything
 * derived from it (a transaction, `db.withSchema(...)`).
 *
 * ```ts
 * const db = new Kysely<DB>({ dialect: new SluicePostgresDialect({ pool: { connectionString } }) })
 * await sluiceOf(db).ready() // open `min` connections now, fail fast if the database is down
 * console.log(sluiceOf(db).stats().currentState)
 * ```
 *
 * Throws a `TypeError` for a Kysely instance on another dialect.
 */
export function sluiceOf(db: Kysely<any>): Pool {
  // getExecutor() is public in Kysely's typings, though documented as internal; it is the only way to the adapter
  const pool = pools.get(db.getExecutor().adapter)
  if (pool === undefined) {
    throw new TypeError('sluiceOf(db): this Kysely instance does not run on a Sluice dialect (SluicePostgresDialect, SluiceMysqlDialect or SluiceSqliteDialect)')
  }
  return pool
}
