import type { Pool } from '@sluice/core'
import type { DatabaseConnection, DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely'
import type { DatabaseFlavor } from './driver/database-flavor.js'
import { SluiceDriver } from './driver/sluice-driver.js'
import type { PoolSource } from './pool-source.js'
import { registerPool } from './sluice-of.js'

/** Options every Sluice dialect shares with Kysely's stock dialects. */
export interface SluiceDialectHooks {
  /**
   * Called with each connection Kysely borrows, before it is used (as in
   * Kysely's stock PostgreSQL and MySQL dialects). Anything it changes in
   * the session outlives the borrow unless the pool's `resetOnRelease` is
   * `'full'`.
   */
  readonly onReserveConnection?: (connection: DatabaseConnection) => Promise<void>
}

/**
 * What the three Sluice dialects share: a driver on the Sluice pool, and the
 * link from Kysely's adapter to that pool for `sluiceOf()`. Each subclass
 * only picks Kysely's compiler, adapter and introspector for its database.
 *
 * One dialect object may serve several `Kysely` instances, one after the
 * other or at once (Kysely's own test setup does this with the stock
 * dialects): when the dialect was given options, each instance gets a pool
 * of its own, which its `db.destroy()` closes, as the stock dialects call
 * their pool factory per instance.
 */
export abstract class SluiceDialect implements Dialect {
  readonly #source: PoolSource
  readonly #flavor: DatabaseFlavor
  readonly #hooks: SluiceDialectHooks
  /** The pool made with the dialect, until the first driver takes it. */
  #unclaimed: Pool | undefined
  /** The pool of the last driver, which `createAdapter()` (called right after `createDriver()` by Kysely) links to. */
  #latest: Pool

  protected constructor(source: PoolSource, flavor: DatabaseFlavor, hooks: SluiceDialectHooks) {
    this.#source = source
    this.#flavor = flavor
    this.#hooks = hooks
    this.#unclaimed = source.pool
    this.#latest = source.pool
  }

  createDriver(): Driver {
    const source = this.#source
    const pool = source.owned ? (this.#unclaimed ?? source.create()) : source.pool
    this.#unclaimed = undefined
    this.#latest = pool
    return new SluiceDriver({ pool, ownsPool: source.owned, flavor: this.#flavor, onReserveConnection: this.#hooks.onReserveConnection })
  }

  createAdapter(): DialectAdapter {
    return registerPool(this.createDialectAdapter(), this.#latest)
  }

  /**
   * The Sluice pool of the newest `Kysely` instance on this dialect (each
   * instance's own is `sluiceOf(db)`).
   */
  get pool(): Pool {
    return this.#latest
  }

  /** Kysely's adapter for this database (`new PostgresAdapter()`, ...). */
  protected abstract createDialectAdapter(): DialectAdapter
  abstract createQueryCompiler(): QueryCompiler
  abstract createIntrospector(db: Kysely<any>): DatabaseIntrospector
}
