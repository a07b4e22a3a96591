import type { QueryResult, StatementEnd } from '../dialect.js'
import type { QueryOptions } from './pool-connection.js'
import type { PoolEntry } from './pool-entry.js'
import { noteStatementError, noteStatementSuccess, type StatementHost } from './run-statement.js'

/** The lease as the statement sees it (no import of `Lease`: it makes these). */
export interface LeasedConnection {
  readonly entry: PoolEntry
  release(): void
}

/**
 * One statement of the pool's one-promise path (`Dialect.runThen`) on a
 * lease the pool borrowed for it alone: the statement rule of
 * `runStatement` (time, counts, breaker, transaction tracking), then the
 * connection given back and the result shaped, all inside the dialect's
 * promise. It holds the connection's command slot from its creation (the
 * statement is about to be sent) to its end.
 */
export class LeasedStatement<T> implements StatementEnd<T> {
  readonly #host: StatementHost
  readonly #lease: LeasedConnection
  readonly #sql: string
  readonly #options: QueryOptions | undefined
  readonly #shape: (result: QueryResult, options: QueryOptions | undefined) => T
  readonly #started: number

  constructor(host: StatementHost, lease: LeasedConnection, sql: string, options: QueryOptions | undefined, shape: (result: QueryResult, options: QueryOptions | undefined) => T) {
    this.#host = host
    this.#lease = lease
    this.#sql = sql
    this.#options = options
    this.#shape = shape
    lease.entry.begin()
    this.#started = host.clock.now()
  }

  succeeded(result: QueryResult): T {
    const lease = this.#lease
    try {
      lease.entry.ended()
      noteStatementSuccess(this.#host, lease.entry, this.#sql, this.#started)
      return this.#shape(result, this.#options)
    } finally {
      lease.release()
    }
  }

  failed(error: unknown): void {
    const lease = this.#lease
    try {
      lease.entry.ended()
      noteStatementError(this.#host, lease.entry, this.#sql, this.#started, error)
    } finally {
      lease.release()
    }
  }
}
