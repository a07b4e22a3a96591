/**
 * The parts of mysql2's API the adapter touches, typed structurally: mysql2's
 * own types describe its classes, which the adapter's objects only resemble.
 */

/** The options form of mysql2's `query()` / `execute()`. */
export interface Mysql2QueryOptions {
  readonly sql: string
  readonly values?: readonly unknown[]
  readonly rowsAsArray?: boolean
  /** Per-statement timeout in milliseconds. */
  readonly timeout?: number
  readonly typeCast?: unknown
  readonly nestTables?: unknown
}

/** A field as mysql2 hands it to `typeCast`. */
export interface Mysql2CastField {
  readonly type: string
  string(encoding?: string): string | null
}

/** The Readable a streaming mysql2 query returns. */
export interface Mysql2RowStream {
  readonly readableEnded: boolean
  readonly destroyed: boolean
  destroy(error?: Error): unknown
  once(event: 'close', listener: () => void): unknown
}

/** mysql2's `Query` command, as its callback API returns it. */
export interface Mysql2Query {
  stream(options?: object): Mysql2RowStream
}

/** mysql2's callback `Connection`, which Sluice's mysql dialect opens. */
export interface Mysql2CallbackConnection {
  query(options: Mysql2QueryOptions, values?: readonly unknown[]): Mysql2Query
}
