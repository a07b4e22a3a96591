import type { Checkout } from '../checkout.js'
import { runPgQuery } from './pg-statement.js'

/**
 * What `SluicePgPool.connect()` resolves to: a pg `PoolClient`-shaped handle
 * on one pooled connection, with the two members Drizzle's transactions use,
 * `query()` and `release()`. Every statement goes through Sluice's
 * `PoolConnection.execute()` on that one connection.
 */
export class SluicePgPoolClient {
  readonly #checkout: Checkout

  /** @internal */
  constructor(checkout: Checkout) {
    this.#checkout = checkout
  }

  /** pg's `client.query(text | config, values?, callback?)`, resolving to pg's own `Result`. */
  query(textOrConfig: unknown, values?: unknown, callback?: unknown): Promise<any> | undefined {
    return runPgQuery((sql, params, options) => this.#checkout.execute(sql, params, options), textOrConfig, values, callback)
  }

  /**
   * Gives the connection back to the Sluice pool; `release(err)` (or
   * `release(true)`) closes it instead, as with pg-pool. A second call throws.
   */
  release(error?: Error | boolean): void {
    this.#checkout.release(error)
  }
}
