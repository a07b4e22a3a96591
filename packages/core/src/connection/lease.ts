import { STREAM_CHUNK_SIZE } from '../config/defaults.js'
import type { Dialect, QueryResult, RunOptions, StatementKind } from '../dialect.js'
import { CapabilityError } from '../errors/capability-error.js'
import { ConnectionReleasedError } from '../errors/connection-released-error.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'
import type { ConnectionStreamOptions, ExecuteOptions, Params, PoolConnection, QueryOptions, Row, WriteResult } from './pool-connection.js'
import type { EntryLease, PoolEntry } from './pool-entry.js'
import { LeasedStatement } from './leased-statement.js'
import { noteStatementFailure, runStatement, type StatementHost } from './run-statement.js'
import { runStatementNow } from './run-statement-now.js'
import { checkFetch, readStatement, type Statement } from './statement-arguments.js'
import { shapeRows } from './shape-rows.js'

/** What a lease needs from the pool that lent it. */
export interface LeaseHost extends StatementHost {
  readonly name: string
  readonly dialect: Dialect<any>
  readonly queryTimeoutMillis: number
  /** Takes the connection back; `destroy` set means close it instead of reusing it. */
  giveBack(lease: Lease, destroy: Error | undefined): void
  inTransaction(entry: PoolEntry): boolean
  /** Told of every statement a borrower ran successfully on a lease (routing's read-your-writes); none on a pool without replicas. */
  readonly observer?: StatementObserver | undefined
}

/**
 * Sees each statement a borrower ran on a lease, after it succeeded and
 * before the borrower gets its answer. The router is one: a write in a
 * consistency scope records where it stands on that connection, after its
 * commit.
 */
export interface StatementObserver {
  /** Whether a statement run on `lease` now could concern the observer; when false, it is not told of it (no wrapper on the hot path). */
  watches(lease: Lease): boolean
  /** Returns undefined when there is nothing to wait for (the common case). */
  afterStatement(lease: Lease, sql: string, hint: StatementKind | undefined): Promise<void> | undefined
  /**
   * For statements that run later, on a connection the caller never holds
   * (a pipeline's batches): called when the statement is queued, in the
   * caller's async context. Returns what the write must mark, or undefined.
   */
  markWrite(sql: string, hint: StatementKind | undefined): WriteMark | undefined
  /** After the statements that returned `marks` were committed on `lease`: records where they stand (one position read). */
  committed(marks: ReadonlySet<WriteMark>, lease: Lease): Promise<void>
}

/** What a queued write will mark once committed (routing's consistency scope); opaque below routing. */
export type WriteMark = object

/**
 * The borrower's one-shot handle on a pooled connection, and the engine's own
 * handle too (the router, replicas and pipelines borrow one through
 * `acquireLease()`). Every statement goes through the connection actor and
 * the statement rule (`runStatement`): a fatal error marks the connection
 * broken (it is closed when given back), a user's SQL error does not touch
 * its health.
 *
 * @internal users see it as a `PoolConnection`
 */
export class Lease implements PoolConnection, EntryLease {
  readonly entry: PoolEntry
  #released = false
  #revoked = false
  readonly #host: LeaseHost

  // a one-shot handle of few fields: what a lend says about its borrower (when,
  // where, which workflow) lives on the entry, updated in place per lend
  constructor(host: LeaseHost, entry: PoolEntry) {
    this.#host = host
    this.entry = entry
  }

  get acquiredAt(): number {
    return this.entry.leasedAt
  }

  /** Where it was acquired, when leak detection is on. */
  get acquireStack(): string | undefined {
    return this.entry.leaseStack
  }

  /** The workflow scope it was acquired in, if any. */
  get scope(): WorkflowScope | undefined {
    return this.entry.leaseScope
  }

  get leakReported(): boolean {
    return this.entry.leakReported
  }

  set leakReported(reported: boolean) {
    this.entry.leakReported = reported
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

  query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  async query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions): Promise<R[] | R | undefined | WriteResult> {
    checkFetch('query', options)
    return shapeRows(await this.execute<R>(sql, params, options), options)
  }

  execute<R = Row>(statement: Statement, values?: Params, options?: ExecuteOptions): Promise<QueryResult<R>> {
    let sql: string, params: Params | undefined
    try {
      this.#assertUsable('query')
      ;({ sql, params } = readStatement('query', statement, values))
    } catch (error) {
      return Promise.reject(error)
    }
    return this.executeChecked(sql, params, options)
  }

  /**
   * `execute()` of a statement already read and checked at the pool's edge
   * (`sql` a string, `params` an array or undefined), on a lease the caller
   * holds and has not released: `pool.query()` reads its arguments once.
   *
   * @internal
   */
  executeChecked<R = Row>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined): Promise<QueryResult<R>> {
    const host = this.#host
    const entry = this.entry
    const timeoutMillis = options?.timeoutMillis ?? host.queryTimeoutMillis
    const runOptions: RunOptions = options === undefined ? NO_OPTIONS : statementOptions(options)
    const observer = host.observer
    if (host.dialect.runNow !== undefined && !entry.busy) {
      // a synchronous driver with nothing to wait for: no actor hop, no promise until the answer
      let now: QueryResult | undefined
      try {
        now = runStatementNow(host, entry, sql, params, runOptions, true)
      } catch (error) {
        return Promise.reject(error)
      }
      if (now !== undefined) {
        const done = Promise.resolve(now as QueryResult<R>)
        return observer === undefined || !observer.watches(this) ? done : observed(done, observer, this, sql, options?.hint)
      }
    }
    const running = entry.run(() => runStatement(host, entry, 'run', sql, params, runOptions, timeoutMillis)) as Promise<QueryResult<R>>
    return observer === undefined || !observer.watches(this) ? running : observed(running, observer, this, sql, options?.hint)
  }

  /**
   * @internal the pool's one-promise step, on a lease it borrowed for this
   * statement alone: the dialect runs the statement and, inside its promise
   * for it, the statement rule, the give-back and `shape` follow
   * (`LeasedStatement`). Only when the dialect has `runThen`, the
   * connection is not busy, no timeout applies and no observer watches;
   * the lease is given back whatever happens.
   */
  executeThen<T>(sql: string, params: Params | undefined, options: QueryOptions | undefined, shape: (result: QueryResult, options: QueryOptions | undefined) => T): Promise<T> {
    const host = this.#host
    const runOptions = options === undefined ? NO_OPTIONS : statementOptions(options)
    return host.dialect.runThen!(this.entry.raw, sql, params, runOptions, new LeasedStatement(host, this, sql, options, shape))
  }

  /**
   * @internal the pool's synchronous step: runs `sql` at once when the
   * dialect can (`Dialect.runNow`), the connection has no command running or
   * queued and no observer watches the lease; else undefined, having run
   * nothing. Throws the statement's error.
   */
  executeNow(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, withFields: boolean): QueryResult | undefined {
    const host = this.#host
    if (host.dialect.runNow === undefined || this.entry.busy || this.#released) return undefined
    if (host.observer?.watches(this) === true) return undefined
    return runStatementNow(host, this.entry, sql, params, options === undefined ? NO_OPTIONS : statementOptions(options), withFields)
  }

  async *stream<R = Row>(sql: string, params?: Params, options?: ConnectionStreamOptions): AsyncIterable<R> {
    this.#assertUsable('stream on')
    const host = this.#host
    const { dialect } = host
    if (!dialect.stream) throw new CapabilityError(`The ${dialect.kind} dialect cannot stream`)
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
      const streamOptions = { chunkSize: options?.chunkSize ?? STREAM_CHUNK_SIZE, typeCast: options?.typeCast, safeIntegers: options?.safeIntegers }
      for await (const row of dialect.stream(raw, sql, params, streamOptions)) {
        yield row as R
      }
      finish()
      // a streamed write (INSERT ... RETURNING) counts like any other statement
      await host.observer?.afterStatement(this, sql, undefined)
    } catch (error) {
      noteStatementFailure(host, this.entry, error)
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
}

const NO_OPTIONS: RunOptions = Object.freeze({})

/** What of the caller's options reaches the dialect; the shared empty object when nothing does. */
function statementOptions(options: RunOptions): RunOptions {
  const { rowMode, prepare, typeCast, safeIntegers } = options
  if (rowMode === undefined && prepare === undefined && typeCast === undefined && safeIntegers === undefined) return NO_OPTIONS
  return { rowMode, prepare, typeCast, safeIntegers }
}

/** The statement's result once the observer has seen it (in the caller's async context, which names its scope). */
async function observed<R>(running: Promise<QueryResult<R>>, observer: StatementObserver, lease: Lease, sql: string, hint: StatementKind | undefined): Promise<QueryResult<R>> {
  const result = await running
  const after = observer.afterStatement(lease, sql, hint)
  if (after !== undefined) await after
  return result
}
