import type { Checkout } from '../checkout.js'
import type { Mysql2CallbackConnection, Mysql2Query, Mysql2QueryOptions, Mysql2RowStream } from './mysql2-driver-types.js'
import { readMysql2Query, toMysql2Result } from './mysql2-statement.js'

/** What Drizzle's mysql2 `iterator()` reads rows from: `conn.connection.query(...).stream()`, then `end()`. */
export interface Mysql2IteratorSource {
  query(options: Mysql2QueryOptions, values?: readonly unknown[]): Mysql2Query
  /** Gives the connection back (pool case; mysql2's deprecated `PoolConnection.end()`). */
  end(): void
}

/**
 * What `SluiceMysql2Pool.getConnection()` resolves to: a mysql2 promise
 * `PoolConnection`-shaped handle on one pooled connection, with what Drizzle
 * uses (`query`, `execute`, `release`, and `connection` for `iterator()`) and
 * mysql2's transaction helpers. Statements go through Sluice's
 * `PoolConnection.execute()` on that one connection.
 */
export class SluiceMysql2PoolConnection {
  readonly #checkout: Checkout
  #stream: Mysql2RowStream | undefined

  /** @internal */
  constructor(checkout: Checkout) {
    this.#checkout = checkout
  }

  /** mysql2's `query(sql | options, values?)`, resolving to `[rows | ResultSetHeader, fields]`. */
  query(sqlOrOptions: string | Mysql2QueryOptions, values?: readonly unknown[]): Promise<any> {
    return this.#run(sqlOrOptions, values, false)
  }

  /** As `query()`, prepared (binary protocol) through the engine's statement cache, as mysql2's `execute()` is. */
  execute(sqlOrOptions: string | Mysql2QueryOptions, values?: readonly unknown[]): Promise<any> {
    return this.#run(sqlOrOptions, values, true)
  }

  async beginTransaction(): Promise<void> {
    await this.query('START TRANSACTION')
  }

  async commit(): Promise<void> {
    await this.query('COMMIT')
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK')
  }

  /** Gives the connection back to the Sluice pool. A second call throws. */
  release(): void {
    this.#stopStream()
    this.#checkout.release()
  }

  /** Gives the connection back to be closed instead of reused. */
  destroy(): void {
    this.#stopStream()
    this.#checkout.release(new Error('destroyed by its borrower'))
  }

  /**
   * The row source of Drizzle's `iterator()`. Drizzle needs rows as arrays
   * and streams them from the driver connection (`conn.connection.query()
   * .stream()`); Sluice's `stream()` yields objects only, which would merge
   * same-named columns of a join. So this one path reads the leased driver
   * connection directly. The lease is this handle's alone, and a stream left
   * unfinished (an early `break`) is destroyed before the next statement or
   * the release, so that mysql2 drains it and the connection stays usable.
   */
  get connection(): Mysql2IteratorSource {
    return {
      query: (options, values) => this.#streamQuery(options, values),
      end: () => this.release(),
    }
  }

  async #run(sqlOrOptions: string | Mysql2QueryOptions, values: readonly unknown[] | undefined, prepared: boolean): Promise<unknown> {
    const statement = readMysql2Query(sqlOrOptions, values, prepared)
    this.#stopStream()
    return toMysql2Result(await this.#checkout.execute(statement.sql, statement.params, statement.options))
  }

  #streamQuery(options: Mysql2QueryOptions, values: readonly unknown[] | undefined): Mysql2Query {
    const lease = this.#checkout.lease
    if (lease === undefined) throw new Error('This connection has been given back to the pool')
    this.#stopStream()
    this.#checkout.noteUsed()
    const query = (lease.driverConnection as Mysql2CallbackConnection).query(options, values)
    return {
      stream: (streamOptions) => {
        const stream = query.stream(streamOptions)
        this.#stream = stream
        stream.once('close', () => {
          if (this.#stream === stream) this.#stream = undefined
        })
        return stream
      },
    }
  }

  #stopStream(): void {
    const stream = this.#stream
    this.#stream = undefined
    // destroying resumes the socket: mysql2 reads the rest of the result into the void
    if (stream !== undefined && !stream.readableEnded && !stream.destroyed) stream.destroy()
  }
}
