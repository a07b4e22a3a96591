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
 */
export abstract class SluiceDialect implements Dialect {
  readonly #source: PoolSource
  readonly #flavor: DatabaseFlavor
  readonly #hooks: SluiceDialectHooks

  protected constructor(source: PoolSource, flavor: DatabaseFlavor, hooks: SluiceDialectHooks) {
    this.#source = source
    this.#flavor = flavor
    this.#hooks = hooks
  }

  createDriver(): Driver {
    return new SluiceDriver({
      pool: this.#source.pool,
      ownsPool: this.#source.owned,
      flavor: this.#flavor,
      onReserveConnection: this.#hooks.onReserveConnection,
    })
  }

  createAdapter(): DialectAdapter {
    return registerPool(this.createDialectAdapter(), this.#source.pool)
  }

  /** The Sluice pool this dialect's driver borrows from (also reachable as `sluiceOf(db)`). */
  get pool(): Pool {
    return this.#source.pool
  }

  /** Kysely's adapter for this database (`new PostgresAdapter()`, ...). */
  protected abstract createDialectAdapter(): DialectAdapter
  abstract createQueryCompiler(): QueryCompiler
  abstract createIntrospector(db: Kysely<any>): DatabaseIntrospector
}
