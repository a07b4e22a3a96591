import type { ResolvedPoolConfig } from '../config/pool-config.js'
import { FETCH_MODES, type ExecuteOptions, type FetchMode, type Params, type PoolConnection } from '../connection/pool-connection.js'
import { shapeRows } from '../connection/shape-rows.js'
import type { QueryResult } from '../dialect.js'
import { OperationError } from '../errors/operation-error.js'
import type { PoolStats } from '../metrics/pool-stats.js'

export const OPERATIONS = ['initialize', 'acquire', 'execute', 'release', 'stats'] as const
export type Operation = (typeof OPERATIONS)[number]

/** A message to `pool.process()`, the Kailash guide's operations in camelCase. */
export type PoolMessage =
  | { readonly operation: 'initialize' }
  | { readonly operation: 'acquire'; readonly workflowId?: string }
  | {
      readonly operation: 'execute'
      /** A connection from an earlier `acquire`; without one the pool lends one for this statement. */
      readonly connectionId?: string
      readonly query: string
      readonly params?: readonly unknown[]
      readonly fetchMode?: FetchMode
      readonly fetchSize?: number
      readonly timeoutMillis?: number
    }
  | { readonly operation: 'release'; readonly connectionId: string }
  | { readonly operation: 'stats' }

export interface InitializeResult {
  readonly status: 'initialized'
  readonly minConnections: number
  readonly maxConnections: number
  readonly database: string
}

export interface AcquireResult {
  readonly connectionId: string
  readonly healthScore: number
  readonly acquisitionTimeMs: number
}

export interface ExecuteResult {
  readonly success: true
  /** Rows for `all`/`many`, one row (or null) for `one`, null for `none`. */
  readonly data: unknown
  readonly rowCount: number
  readonly affectedRows: number | undefined
  readonly executionTimeMs: number
}

export interface ReleaseResult {
  readonly status: 'released'
  readonly connectionId: string
}

/** What each operation of `pool.process()` resolves to. */
export interface MessageResults {
  readonly initialize: InitializeResult
  readonly acquire: AcquireResult
  readonly execute: ExecuteResult
  readonly release: ReleaseResult
  readonly stats: PoolStats
}

export type MessageResult = MessageResults[Operation]

/** The result type of one message: `process({ operation: 'acquire' })` is a `Promise<AcquireResult>`. */
export type ResultOf<M extends PoolMessage> = MessageResults[M['operation']]

/** What the message API drives: the pool users hold. */
export interface MessageHost {
  readonly config: ResolvedPoolConfig
  ready(): Promise<void>
  acquire(options?: { workflowId?: string }): Promise<PoolConnection>
  execute(sql: string, params?: Params, options?: ExecuteOptions): Promise<QueryResult>
  stats(): PoolStats
}

/**
 * The guide's message-shaped API over the pool, for callers that pass plain
 * objects around (workflow nodes, RPC). Connections acquired here are held by
 * id until released here.
 */
export class MessageApi {
  readonly #pool: MessageHost
  readonly #held = new Map<string, PoolConnection>()

  constructor(pool: MessageHost) {
    this.#pool = pool
  }

  async process<M extends PoolMessage>(message: M): Promise<ResultOf<M>> {
    return (await this.#dispatch(message)) as ResultOf<M>
  }

  async #dispatch(message: PoolMessage): Promise<MessageResult> {
    if (message === null || typeof message !== 'object') throw new OperationError(String(message), 'the message must be an object')
    const operation = (message as { operation?: unknown }).operation
    switch (operation) {
      case 'initialize':
        return this.#initialize()
      case 'acquire':
        return this.#acquire(message as Extract<PoolMessage, { operation: 'acquire' }>)
      case 'execute':
        return this.#execute(message as Extract<PoolMessage, { operation: 'execute' }>)
      case 'release':
        return this.#release(message as Extract<PoolMessage, { operation: 'release' }>)
      case 'stats':
        return this.#pool.stats()
      default:
        throw new OperationError(String(operation), `unknown operation; expected one of ${OPERATIONS.join(', ')}`, 'operation')
    }
  }

  async #initialize(): Promise<InitializeResult> {
    await this.#pool.ready()
    const { min, max } = this.#pool.config
    return { status: 'initialized', minConnections: min, maxConnections: max, database: this.#pool.config.dialect.description }
  }

  async #acquire(message: Extract<PoolMessage, { operation: 'acquire' }>): Promise<AcquireResult> {
    const started = performance.now()
    const connection = await this.#pool.acquire(message.workflowId === undefined ? undefined : { workflowId: message.workflowId })
    this.#held.set(connection.id, connection)
    return { connectionId: connection.id, healthScore: connection.healthScore, acquisitionTimeMs: performance.now() - started }
  }

  async #execute(message: Extract<PoolMessage, { operation: 'execute' }>): Promise<ExecuteResult> {
    if (typeof message.query !== 'string' || message.query.trim() === '') {
      throw new OperationError('execute', 'query must be a non-empty SQL string', 'query')
    }
    if (message.params !== undefined && !Array.isArray(message.params)) {
      throw new OperationError('execute', 'params must be an array of values bound to the placeholders', 'params')
    }
    const fetchMode = message.fetchMode ?? 'all'
    if (!FETCH_MODES.includes(fetchMode)) {
      throw new OperationError('execute', `fetchMode must be one of ${FETCH_MODES.join(', ')}`, 'fetchMode')
    }
    const options = message.timeoutMillis === undefined ? undefined : { timeoutMillis: message.timeoutMillis }
    const started = performance.now()
    const result =
      message.connectionId === undefined
        ? await this.#pool.execute(message.query, message.params, options)
        : await this.#heldConnection('execute', message.connectionId).execute(message.query, message.params, options)
    // the guide's shapes: `none` carries no data, a missing row is null
    const data = fetchMode === 'none' ? null : (shapeRows(result, { fetch: fetchMode, size: message.fetchSize }) ?? null)
    return {
      success: true,
      data,
      rowCount: result.rows.length,
      affectedRows: result.affectedRows,
      executionTimeMs: performance.now() - started,
    }
  }

  #release(message: Extract<PoolMessage, { operation: 'release' }>): ReleaseResult {
    const connection = this.#heldConnection('release', message.connectionId)
    this.#held.delete(message.connectionId)
    connection.release()
    return { status: 'released', connectionId: message.connectionId }
  }

  #heldConnection(operation: Operation, connectionId: unknown): PoolConnection {
    if (typeof connectionId !== 'string') throw new OperationError(operation, 'connectionId must be the id an acquire returned', 'connectionId')
    const connection = this.#held.get(connectionId)
    if (!connection || connection.released) {
      this.#held.delete(connectionId)
      throw new OperationError(operation, `no connection ${JSON.stringify(connectionId)} is held through process(); acquire one first`, 'connectionId')
    }
    return connection
  }
}
