import type { Dialect, QueryResult, RunOptions } from '../dialect.js'
import { ConnectionReleasedError } from '../errors/connection-released-error.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import { QueryTimeoutError } from '../errors/query-timeout-error.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { Clock } from '../util/clock.js'
import { withTimeout } from '../util/with-timeout.js'
import type {
  ExecuteOptions,
  Params,
  PoolConnection,
  QueryOptions,
  Row,
  WriteResult,
} from './pool-connection.js'
import type { PooledConnection } from './pooled-connection.js'
import { shapeRows } from './shape-rows.js'

/** What a lease needs from the pool that lent it. */
export interface LeaseHost {
  readonly name: string
  readonly dialect: Dialect<any>
  readonly clock: Clock
  readonly counters: PoolCounters
  readonly queryTimeoutMillis: number
  /** Takes the connection back; `destroy` set means close it instead of reusing it. */
  giveBack(lease: Lease, destroy: Error | undefined): void
  inTransaction(entry: PooledConnection): boolean
}

const DEFAULT_CHUNK_SIZE = 100

/**
 * The borrower's one-shot handle on a pooled connection. Every statement goes
 * through the connection actor, is timed, and is classified: a fatal error
 * marks the connection broken (it is closed when given back), a user's SQL
 * error does not touch its health.
 */
export class Lease implements PoolConnection {
  readonly entry: PooledConnection
  readonly acquiredAt: number
  /** Where it was acquired, when leak detection is on. */
  readonly acquireStack: string | undefined
  /** The workflow scope it was acquired in, if any. */
  readonly scope: unknown
  leakReported = false
  #released = false
  #revoked = false
  readonly #host: LeaseHost

  constructor(host: LeaseHost, entry: PooledConnection, acquiredAt: number, scope: unknown, acquireStack: string | undefined) {
    this.#host = host
    this.entry = entry
    this.acquiredAt = acquiredAt
    this.scope = scope
    this.acquireStack = acquireStack
  }

  get id(): string {
    return this.entry.id
  }

  get healthScore(): number {
    return this.entry.health
  }

  get released(): boolean {
    return this.#released
  }

  get driverConnection(): unknown {
    this.#assertUsable('use')
    return this.entry.raw
  }

  query<R = Row>(sql: string, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: string, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: string, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  async query<R = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<R[] | R | undefined | WriteResult> {
    return shapeRows(await this.execute<R>(sql, params, options), options)
  }

  execute<R = Row>(sql: string, params?: Params, options?: ExecuteOptions): Promise<QueryResult<R>> {
    try {
      this.#assertUsable('query')
    } catch (error) {
      return Promise.reject(error)
    }
    const timeoutMillis = options?.timeoutMillis ?? this.#host.queryTimeoutMillis
    const runOptions: RunOptions =
      options?.rowMode === undefined && options?.prepare === undefined ? NO_OPTIONS : { rowMode: options.rowMode, prepare: options.prepare }
    return this.entry.run((raw) => this.#runOn(raw, sql, params, runOptions, timeoutMillis)) as Promise<QueryResult<R>>
  }

  async *stream<R = Row>(sql: string, params?: Params, options?: { chunkSize?: number }): AsyncIterable<R> {
    this.#assertUsable('stream on')
    const { dialect, counters } = this.#host
    if (!dialect.stream) throw new TypeError(`The ${dialect.kind} dialect cannot stream`)
    // hold the actor's command slot for as long as the stream is read
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    const raw = await new Promise<unknown>((resolve) => {
      void this.entry.run((r) => {
        resolve(r)
        return finished
      })
    })
    try {
      for await (const row of dialect.stream(raw, sql, params, { chunkSize: options?.chunkSize ?? DEFAULT_CHUNK_SIZE })) {
        yield row as R
      }
    } catch (error) {
      counters.queryErrors++
      if (dialect.isFatal(error)) this.entry.markBroken(asError(error))
      throw error
    } finally {
      finish()
    }
  }

  inTransaction(): boolean {
    return this.#host.inTransaction(this.entry)
  }

  release(): void {
    this.#giveBack(undefined, 'release')
  }

  destroy(reason?: Error): void {
    this.#giveBack(reason ?? new Error('destroyed by its borrower'), 'destroy')
  }

  /** @internal the pool revoked the lease (forced close); later use reports the pool closed. */
  revoke(): void {
    this.#released = true
    this.#revoked = true
  }

  #giveBack(destroy: Error | undefined, operation: string): void {
    if (this.#released) {
      // the pool took it back when it closed: the borrower's own release is expected and harmless
      if (this.#revoked) return
      throw new ConnectionReleasedError(this.entry.id, operation)
    }
    this.#released = true
    this.#host.giveBack(this, destroy)
  }

  #assertUsable(operation: string): void {
    if (!this.#released) return
    if (this.#revoked) throw new PoolClosedError(this.#host.name, `${operation} connection ${this.entry.id}`)
    throw new ConnectionReleasedError(this.entry.id, operation)
  }

  async #runOn(raw: unknown, sql: string, params: Params | undefined, options: RunOptions, timeoutMillis: number): Promise<QueryResult> {
    const { dialect, clock, counters } = this.#host
    const started = clock.now()
    try {
      const running = dialect.run(raw, sql, params, options)
      const result =
        timeoutMillis > 0
          ? await withTimeout(running, timeoutMillis, clock, () => new QueryTimeoutError(this.entry.id, timeoutMillis))
          : await running
      counters.queryTime.record(clock.now() - started)
      this.#trackTransaction(sql, true)
      return result
    } catch (error) {
      counters.queryTime.record(clock.now() - started)
      counters.queryErrors++
      // a timed-out statement may still be running: the connection is not reused
      if (error instanceof QueryTimeoutError || dialect.isFatal(error)) this.entry.markBroken(asError(error))
      else this.#trackTransaction(sql, false)
      throw error
    }
  }

  #trackTransaction(sql: string, succeeded: boolean): void {
    const effect = transactionEffect(sql)
    if (effect === 'begin' && succeeded) this.entry.transactionByKeywords = true
    // a failed COMMIT still ends the transaction (PostgreSQL rolls it back)
    else if (effect === 'end') this.entry.transactionByKeywords = false
  }
}

const NO_OPTIONS: RunOptions = Object.freeze({})

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
