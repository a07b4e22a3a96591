/**
 * The subset of mysql2's callback API (`import('mysql2')`) that the dialect
 * uses. We don't use the types from `mysql2` here: the driver is an optional
 * peer dependency, and a structural subset lets an application hand us its
 * own `mysql2` instance (any 3.x) without type friction.
 */

/** The `mysql2` module itself (the callback API, not `mysql2/promise`). */
export interface Mysql2Module {
  createConnection(options: Mysql2ConnectionOptions): Mysql2Connection
}

/** A field as mysql2 hands it to a `typeCast` function. */
export interface Mysql2TypeCastField {
  readonly type: string
  readonly length: number
  readonly name: string
  readonly db: string
  readonly table: string
  string(encoding?: string): string | null
}

/**
 * mysql2's `typeCast` option. Written as a method type so that a function
 * typed against mysql2's own (richer) field type is accepted too.
 */
export type Mysql2TypeCast =
  | boolean
  | { cast(field: Mysql2TypeCastField, next: () => unknown): unknown }['cast']

/** TLS options (`ca`, `cert`, `rejectUnauthorized`, ...), passed to mysql2 as given. */
export interface Mysql2SslOptions {
  readonly [option: string]: unknown
}

/** The options the dialect passes to `createConnection`. */
export interface Mysql2ConnectionOptions {
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  /** A mysql2 SSL profile name or TLS options. */
  ssl?: string | Mysql2SslOptions
  connectTimeout?: number
  timezone?: string
  charset?: string
  dateStrings?: boolean | Array<'TIMESTAMP' | 'DATETIME' | 'DATE'>
  supportBigNumbers?: boolean
  bigNumberStrings?: boolean
  typeCast?: Mysql2TypeCast
  multipleStatements?: boolean
}

/** Options of one `connection.query()` call. */
export interface Mysql2QueryOptions {
  sql: string
  /** Mutable only because mysql2's typings say so; mysql2 formats them synchronously and never writes to them. */
  values?: unknown[] | undefined
  rowsAsArray?: boolean
  typeCast?: Mysql2TypeCast
}

/** A column definition; only its name is read. */
export interface Mysql2FieldPacket {
  readonly name: string
}

/** The OK packet mysql2 returns for statements without a result set. */
export interface Mysql2ResultSetHeader {
  readonly fieldCount: number
  /** A string when `bigNumberStrings` is on and the value is large. */
  readonly affectedRows: number | string
  readonly insertId: number | string
  /** The server status flags (`SERVER_STATUS_IN_TRANS` = 1, `SERVER_STATUS_AUTOCOMMIT` = 2, ...). */
  readonly serverStatus?: number
}

export type Mysql2QueryCallback = (
  error: Error | null,
  result: unknown,
  fields?: readonly unknown[],
) => void

/** The object-mode Readable that `query.stream()` returns. */
export interface Mysql2RowReadable extends AsyncIterable<unknown> {
  destroy(error?: Error): unknown
}

/** A running `query()` command (an EventEmitter). */
export interface Mysql2Query {
  stream(options?: { highWaterMark?: number }): Mysql2RowReadable
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** The handshake packet mysql2 passes to `'connect'` listeners. */
export interface Mysql2Handshake {
  /** The server status flags at connect time (autocommit mode). */
  readonly statusFlags?: number
}

/** A mysql2 `Connection` (an EventEmitter). */
export interface Mysql2Connection {
  query(options: Mysql2QueryOptions, callback: Mysql2QueryCallback): unknown
  /**
   * The positional form: the connection's own row options apply. mysql2
   * builds its command options from these without copying an options object
   * (the object form spreads it twice per call).
   */
  query(sql: string, values: unknown[] | undefined, callback: Mysql2QueryCallback): unknown
  query(options: Mysql2QueryOptions): Mysql2Query
  /** COM_RESET_CONNECTION: rolls back and clears session state without re-authenticating. */
  reset(callback: (error: Error | null) => void): unknown
  /** Queues COM_QUIT; the callback runs when QUIT is sent (or at once, with an error, if closed). */
  end(callback: (error?: Error | null) => void): unknown
  /** Half-closes the socket; the server then closes it. */
  destroy(): void
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'end', listener: () => void): unknown
  once(event: 'connect', listener: (handshake: Mysql2Handshake) => void): unknown
  once(event: 'error', listener: (error: Error) => void): unknown
  removeListener(event: 'error', listener: (error: Error) => void): unknown
  removeListener(event: 'end', listener: () => void): unknown
  removeListener(event: 'connect', listener: (handshake: Mysql2Handshake) => void): unknown
}

/**
 * Members of a mysql2 connection that its typings do not declare but that
 * have been stable for years. Read through {@link mysql2Internals} only, and
 * always tolerate their absence.
 */
export interface Mysql2ConnectionInternals {
  /** The socket; `destroy()` on it is the only hard close mysql2 offers. */
  readonly stream?: {
    readonly destroyed: boolean
    destroy(): void
    ref?(): unknown
    unref?(): unknown
    once(event: 'close', listener: () => void): unknown
  }
  /** `charsetNumber` is what mysql2 encodes outgoing SQL with. */
  readonly config?: { charsetNumber?: number }
}

/** @internal */
export function mysql2Internals(connection: Mysql2Connection): Mysql2ConnectionInternals {
  return connection as Mysql2ConnectionInternals
}
