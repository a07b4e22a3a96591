import type { ConnectionStreamOptions, ExecuteOptions, Params, PoolConnection, QueryOptions, Row, WriteResult } from '../connection/pool-connection.js'
import { checkFetch, readStatement, type Statement } from '../connection/statement-arguments.js'
import { shapeRows } from '../connection/shape-rows.js'
import type { QueryResult, StatementKind } from '../dialect.js'
import { ConnectionNotPinnedError } from '../errors/connection-not-pinned-error.js'
import { ConnectionReleasedError } from '../errors/connection-released-error.js'
import { transactionEffect } from '../sql/transaction-effect.js'

/** What a routed connection needs of its pool. */
export interface RoutedConnectionHost {
  /** Runs one statement where the router sends it (`kind`, already classified), on a connection borrowed for that statement alone. */
  execute<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, kind: StatementKind): Promise<QueryResult<R>>
  /** Borrows a primary connection to pin. */
  acquirePrimary(): Promise<PoolConnection>
  classify(sql: string, hint: StatementKind | undefined): StatementKind
}

/**
 * A connection handle for ORMs that borrow "a connection" per query: until
 * something may leave state on the session, each read is routed on its own
 * (to a replica), borrowing a connection for that statement only. The first
 * statement that is not a read pins a primary connection and runs there, and
 * every later statement runs there too until release: a transaction
 * (`BEGIN`), `SET`, a temporary table, a lock, a named prepared statement,
 * and every write, since a write leaves session state behind (the id that
 * `LAST_INSERT_ID()`, `lastval()`, `currval()` or `@@identity` read next, a
 * sequence's value, the rows a later read on the handle expects to see). So
 * ORM reads reach replicas, and whatever follows a write on the same handle
 * runs in the session that wrote.
 */
export class RoutedConnection implements PoolConnection {
  readonly #host: RoutedConnectionHost
  #pinned: PoolConnection | undefined
  #pinning: Promise<PoolConnection> | undefined
  #released = false

  constructor(host: RoutedConnectionHost) {
    this.#host = host
  }

  get id(): string {
    return this.#pinned?.id ?? 'routed'
  }

  get healthScore(): number {
    return this.#pinned?.healthScore ?? 100
  }

  get released(): boolean {
    return this.#released
  }

  /** The pinned connection's driver object (pinning one if needed, since the caller will use the session). */
  get driverConnection(): unknown {
    if (!this.#pinned) throw new ConnectionNotPinnedError()
    return this.#pinned.driverConnection
  }

  /** The primary connection pinned so far, if any. */
  get pinnedConnection(): PoolConnection | undefined {
    return this.#pinned
  }

  /** Pins a primary connection now (for callers about to use the session directly). */
  async pin(): Promise<PoolConnection> {
    this.#assertUsable('pin')
    if (this.#pinned) return this.#pinned
    return this.#startPinning()
  }

  /** The one promise of the pinned connection, asked for on first call. */
  #startPinning(): Promise<PoolConnection> {
    this.#pinning ??= this.#host.acquirePrimary().then((connection) => {
      this.#pinned = connection
      return connection
    })
    return this.#pinning
  }

  query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  async query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions): Promise<R[] | R | undefined | WriteResult> {
    checkFetch('query', options)
    return shapeRows(await this.execute<R>(sql, params, options), options)
  }

  execute<R = Row>(statement: Statement, values?: Params, options?: ExecuteOptions): Promise<QueryResult<R>> {
    // not an async function: a routed read (an ORM's statement per borrow) returns the pool's own promise, with no step added
    try {
      this.#assertUsable('query')
      const { sql, params } = readStatement('query', statement, values)
      // once pinning has begun, every statement waits on that one promise: they reach the session in the order they came
      const pinning = this.#pinning
      if (pinning) return pinning.then((connection) => connection.execute<R>(sql, params, options))
      // classified once: the router routes by this answer and does not ask again
      const kind = transactionEffect(sql) === 'none' ? this.#host.classify(sql, options?.hint) : undefined
      if (kind === 'read') return this.#host.execute<R>(sql, params, options, kind)
      // the answer travels on as a hint, so the tracker of the scope's writes does not classify it again
      const pinnedOptions = kind === undefined ? options : { ...options, hint: kind }
      return this.#startPinning().then((connection) => connection.execute<R>(sql, params, pinnedOptions))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  async *stream<R = Row>(sql: string, params?: Params, options?: ConnectionStreamOptions): AsyncIterable<R> {
    // a stream holds its connection for as long as it is read: pin one
    yield* (await this.pin()).stream<R>(sql, params, options)
  }

  inTransaction(): boolean {
    return this.#pinned?.inTransaction() ?? false
  }

  release(): void {
    this.#giveBack(undefined)
  }

  destroy(reason?: Error): void {
    this.#giveBack(reason ?? new Error('destroyed by its borrower'))
  }

  #giveBack(destroy: Error | undefined): void {
    if (this.#released) throw new ConnectionReleasedError(this.id, destroy ? 'destroy' : 'release')
    this.#released = true
    const pinned = this.#pinned
    if (pinned) {
      if (destroy) pinned.destroy(destroy)
      else pinned.release()
    } else {
      // a pin still on its way is given back as soon as it arrives
      void this.#pinning?.then((connection) => connection.release(), () => undefined)
    }
  }

  #assertUsable(operation: string): void {
    if (this.#released) throw new ConnectionReleasedError(this.id, operation)
  }
}
