import type { QueryResult, RunOptions, StatementKind } from '../dialect.js'

export const FETCH_MODES = ['one', 'all', 'many', 'none'] as const
/** How much of a result `query()` returns. */
export type FetchMode = (typeof FETCH_MODES)[number]

export type Row = Record<string, unknown>
export type Params = readonly unknown[]

/**
 * A statement as `query()` and `execute()` take it: SQL text, or the object
 * form pg users already write, `{ text, values }` (mysql2's `{ sql, values }`
 * too). Values are always bound, never spliced into the text.
 */
export type Statement = string | StatementObject

export type StatementObject = { readonly text: string; readonly values?: Params } | { readonly sql: string; readonly values?: Params }

/** Options of one statement. */
export interface ExecuteOptions extends RunOptions {
  /** Client-side limit for this statement; overrides the pool's `queryTimeoutMillis`. 0 disables. */
  readonly timeoutMillis?: number
  /**
   * What the caller already knows about the statement (an ORM's query kind),
   * used by `pool.query()` / `pool.execute()` routing instead of the
   * classifier. A borrowed connection never routes; there the hint only
   * tells read-your-writes whether the statement wrote (`'read'`: it did
   * not, so it marks no scope).
   */
  readonly hint?: StatementKind
}

export interface QueryOptions extends ExecuteOptions {
  /** `all` (default): every row; `one`: the first row or undefined; `many`: the first `size` rows; `none`: the write result. */
  readonly fetch?: FetchMode
  /** Rows returned with `fetch: 'many'`. Defaults to 100. */
  readonly size?: number
}

/** Options of `stream()`: rows per round trip (default 100), and the per-statement driver options of {@link RunOptions}. */
export interface ConnectionStreamOptions extends Pick<RunOptions, 'typeCast' | 'safeIntegers'> {
  readonly chunkSize?: number
}

/** What `query(..., { fetch: 'none' })` returns. */
export interface WriteResult {
  readonly affectedRows: number
  readonly insertId?: number | bigint
}

/**
 * A connection lent by the pool. Hold it for as short as you can and give it
 * back exactly once with `release()` (or `destroy()` if you know it is bad).
 *
 * ```ts
 * const conn = await pool.acquire()
 * try {
 *   const user = await conn.query('SELECT * FROM users WHERE id = $1', [id], { fetch: 'one' })
 * } finally {
 *   conn.release()
 * }
 * ```
 */
export interface PoolConnection {
  /** The pooled connection's id, as in `stats().currentState.healthScores`. */
  readonly id: string
  /** The connection's health score (0-100) right now. */
  readonly healthScore: number
  /** True once released or destroyed. */
  readonly released: boolean

  query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions): Promise<R[] | R | undefined | WriteResult>

  /** Runs a statement (SQL text or `{ text, values }`) and returns the driver-neutral result with rows, counts and fields. */
  execute<R = Row>(sql: Statement, params?: Params, options?: ExecuteOptions): Promise<QueryResult<R>>

  /** Streams a large result in chunks of `chunkSize` rows (default 100). */
  stream<R = Row>(sql: string, params?: Params, options?: ConnectionStreamOptions): AsyncIterable<R>

  /** Whether a transaction is open on this connection. */
  inTransaction(): boolean

  /**
   * The driver's own connection, for code that must reach a driver feature
   * Sluice does not wrap. Anything done here bypasses the actor's ordering.
   * @internal adapters only
   */
  readonly driverConnection: unknown

  /** Gives the connection back. A second call throws `ConnectionReleasedError`. */
  release(): void
  /** Gives the connection back to be closed instead of reused. */
  destroy(reason?: Error): void
}
