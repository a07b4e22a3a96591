import type { Pool } from '@sluice/core'
import { Checkout } from '../checkout.js'
import type { Mysql2QueryOptions } from './mysql2-driver-types.js'
import { readMysql2Query, toMysql2Result } from './mysql2-statement.js'
import { SluiceMysql2PoolConnection } from './sluice-mysql2-pool-connection.js'

/**
 * A mysql2 promise-`Pool`-shaped client whose connections are Sluice's: pass
 * it to Drizzle as `client`. It has what Drizzle's mysql2 session uses:
 * `query()` and `execute()` for single statements, and `getConnection()`,
 * which also makes Drizzle treat it as a pool and give each transaction one
 * connection of its own. It has no `promise()` method, so Drizzle uses it as
 * it is.
 */
export class SluiceMysql2Pool {
  /** The Sluice pool underneath (also `sluiceOf(db)`). */
  readonly sluice: Pool

  /** @internal use `createSluiceMysql2Client()` */
  constructor(pool: Pool) {
    this.sluice = pool
  }

  /** Borrows a connection, runs one statement through `PoolConnection.execute()`, gives it back. */
  query(sqlOrOptions: string | Mysql2QueryOptions, values?: readonly unknown[]): Promise<any> {
    return this.#run(sqlOrOptions, values, false)
  }

  /** As `query()`, prepared (binary protocol) through the engine's statement cache, as mysql2's `execute()` is. */
  execute(sqlOrOptions: string | Mysql2QueryOptions, values?: readonly unknown[]): Promise<any> {
    return this.#run(sqlOrOptions, values, true)
  }

  /** Checks out one connection for a sequence of statements (Drizzle: a transaction, or an `iterator()`). */
  async getConnection(): Promise<SluiceMysql2PoolConnection> {
    return new SluiceMysql2PoolConnection(await Checkout.open(this.sluice))
  }

  /** Closes the Sluice pool (`pool.close()`). */
  end(): Promise<void> {
    return this.sluice.close()
  }

  async #run(sqlOrOptions: string | Mysql2QueryOptions, values: readonly unknown[] | undefined, prepared: boolean): Promise<unknown> {
    const statement = readMysql2Query(sqlOrOptions, values, prepared)
    return toMysql2Result(await this.sluice.execute(statement.sql, statement.params, statement.options))
  }
}
