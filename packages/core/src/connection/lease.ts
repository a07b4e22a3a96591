import { STREAM_CHUNK_SIZE } from '../config/defaults.js'
import type { Dialect, QueryResult, RunOptions } from '../dialect.js'
import { CapabilityError } from '../errors/capability-error.js'
import { ConnectionReleasedError } from '../errors/connection-released-error.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'
import type { ConnectionStreamOptions, ExecuteOptions, Params, PoolConnection, QueryOptions, Row, WriteResult } from './pool-connection.js'
import type { EntryLease, PoolEntry } from './pool-entry.js'
import { noteStatementFailure, runStatement, type StatementHost } from './run-statement.js'
import { shapeRows } from './shape-rows.js'

/** What a lease needs from the pool that lent it. */
export interface LeaseHost extends StatementHost {
  readonly name: string
  readonly dialect: Dialect<any>
  readonly queryTimeoutMillis: number
  /** Takes the connection back; `destroy` set means close it instead of reusing it. */
  giveBack(lease: Lease, destroy: Error | undefined): void
  inTransaction(entry: PoolEntry): boolean
}

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
  readonly acquiredAt: number
  /** Where it was acquired, when leak detection is on. */
  readonly acquireStack: string | undefined
  /** The workflow scope it was acquired in, if any. */
  readonly scope: WorkflowScope | undefined
  leakReported = false
  #released = false
  #revoked = false
  readonly #host: LeaseHost

  constructor(host: LeaseHost, entry: PoolEntry, acquiredAt: number, scope: WorkflowScope | undefined, acquireStack: string | undefined) {
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
    const host = this.#host
    const entry = this.entry
    const timeoutMillis = options?.timeoutMillis ?? host.queryTimeoutMillis
    const runOptions: RunOptions = options === undefined ? NO_OPTIONS : statementOptions(options)
    return entry.run(() => runStatement(host, entry, 'run', sql, params, runOptions, timeoutMillis)) as Promise<QueryResult<R>>
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
