import type { Pool } from '@sluice/core'
import type { Pool as PgPool } from 'pg'
import { Checkout } from '../checkout.js'
import type { PgDriver } from './pg-driver-types.js'
import { runPgQuery, settle } from './pg-statement.js'
import { SluicePgPoolClient } from './sluice-pg-pool-client.js'

/**
 * A `pg.Pool` whose connections are Sluice's: pass it to Drizzle as `client`.
 * Typed as pg's `Pool` because it is one (a subclass, so that Drizzle's
 * `client instanceof Pool` check gives each transaction its own connection),
 * though only `query()`, `connect()`, `end()` and the counts are Sluice's;
 * pg-pool's own machinery is never started.
 */
export type SluicePgPool = PgPool & {
  /** The Sluice pool underneath (also `sluiceOf(db)`). */
  readonly sluice: Pool
}

type PoolClass = new (pool: Pool) => SluicePgPool

// one subclass per pg module: Drizzle's instanceof check needs the Pool of the pg it imported itself
const classes = new WeakMap<object, PoolClass>()

/** @internal the `SluicePgPool` class extending `driver.Pool` */
export function sluicePgPoolClass(driver: PgDriver): PoolClass {
  let poolClass = classes.get(driver.Pool)
  if (poolClass === undefined) {
    poolClass = definePoolClass(driver.Pool)
    classes.set(driver.Pool, poolClass)
  }
  return poolClass
}

function definePoolClass(Base: PgDriver['Pool']): PoolClass {
  // the name also passes Drizzle's fallback test, `constructor.name.includes('Pool')`, for a second copy of pg
  class SluicePgPool extends Base {
    readonly sluice: Pool
    declare ending: boolean
    declare ended: boolean

    constructor(pool: Pool) {
      // pg-pool's constructor only stores options: it opens nothing and starts no timer
      super({ max: pool.config.max, min: pool.config.min })
      this.sluice = pool
    }

    /** Borrows a connection, runs one statement through `PoolConnection.execute()`, gives it back. */
    query(textOrConfig: unknown, values?: unknown, callback?: unknown): Promise<unknown> | undefined {
      return runPgQuery((sql, params, options) => this.sluice.execute(sql, params, options), textOrConfig, values, callback)
    }

    /** Checks out one connection for a sequence of statements (Drizzle: one per transaction). */
    connect(callback?: (error: Error | undefined, client?: SluicePgPoolClient, done?: (error?: Error | boolean) => void) => void): Promise<SluicePgPoolClient> | undefined {
      const connecting = Checkout.open(this.sluice).then((checkout) => new SluicePgPoolClient(checkout))
      if (callback === undefined) return connecting
      connecting.then(
        (client) => callback(undefined, client, (error) => client.release(error)),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      )
      return undefined
    }

    /** Closes the Sluice pool (`pool.close()`). */
    end(callback?: (error?: Error) => void): Promise<void> | undefined {
      this.ending = true
      const ending = this.sluice.close().then(() => {
        this.ended = true
      })
      return settle(ending, callback === undefined ? undefined : (error) => callback(error))
    }

    get totalCount(): number {
      return this.sluice.stats().currentState.totalConnections
    }

    get idleCount(): number {
      return this.sluice.stats().currentState.availableConnections
    }

    get waitingCount(): number {
      return this.sluice.stats().currentState.pendingAcquires
    }

    get expiredCount(): number {
      return 0
    }
  }
  return SluicePgPool as unknown as PoolClass
}
