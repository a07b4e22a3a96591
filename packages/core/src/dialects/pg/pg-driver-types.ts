/**
 * The subset of the `pg` module that the PostgreSQL dialect needs. We don't
 * use the types from `pg` here: they would make `@types/pg` a dependency of
 * every Sluice user, and a structural subset also accepts `pg` releases (and
 * look-alikes) whose own typings differ in details we do not touch.
 */
export interface PgModule {
  readonly Client: new (config: PgClientConfig) => PgClient
  /** pg's value mapping for bound parameters (Dates, arrays, objects as JSON); absent in look-alikes. */
  readonly utils?: { readonly prepareValue?: (value: unknown) => unknown }
}

/** The options of `new pg.Client(...)` that the dialect sets. */
export interface PgClientConfig {
  connectionString?: string
  host?: string
  port?: number
  user?: string
  password?: string | (() => string | Promise<string>)
  database?: string
  ssl?: boolean | object
  connectionTimeoutMillis?: number
  application_name?: string
  statement_timeout?: number
  types?: PgTypeOverrides
}

/** pg's custom type parsers (`{ getTypeParser }`), passed through untouched. */
export interface PgTypeOverrides {
  getTypeParser(oid: number, format?: string): unknown
}

/** The query-config form of `client.query(...)`. */
export interface PgQueryConfig {
  text: string
  values?: readonly unknown[]
  rowMode?: 'array'
  name?: string
}

/** One statement's result (`pg.Result`). */
export interface PgResult {
  /** The command tag's verb (`SELECT`, `INSERT`, ...); null for an empty query. */
  readonly command: string | null
  readonly rowCount: number | null
  readonly rows: unknown[]
  readonly fields: ReadonlyArray<{ readonly name: string }>
}

/** What pg calls once a statement is over: an error (at its ErrorResponse), or the result(s) at its ReadyForQuery. */
export type PgQueryCallback = (error: Error | null | undefined, output: PgResult | PgResult[]) => void

/** A `pg.Client`. */
export interface PgClient {
  connect(): Promise<unknown>
  /** Resolves to an array of results for a multi-statement simple query. */
  query(config: PgQueryConfig): Promise<PgResult | PgResult[]>
  query(text: string, values?: readonly unknown[]): Promise<PgResult | PgResult[]>
  /** The callback forms (pg's and pg-native's): no promise of pg's own per statement. */
  query(text: string, values: readonly unknown[] | undefined, callback: PgQueryCallback): void
  query(config: PgQueryConfig, callback: PgQueryCallback): void
  end(): Promise<void>
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'end', listener: () => void): unknown
  /** Where pg connected (after its defaults and the connection string), for a cancel request. */
  readonly host?: string
  readonly port?: number
  /** The backend's pid and secret key from the handshake (BackendKeyData): what a cancel request names. */
  readonly processID?: number | null
  readonly secretKey?: number | null
  /** The TLS setting pg connected with (from the options or the connection string's sslmode). */
  readonly ssl?: boolean | object
  /** Whether the socket keeps the process alive (pg >= 8.8); `unref()` lets it exit while idle. */
  ref?(): void
  unref?(): void
  /**
   * The status byte of the last ReadyForQuery message: `'I'` idle, `'T'` in a
   * transaction, `'E'` in a failed transaction, `null` before the first one.
   * Added in pg 8.21; the native client always answers `null`.
   */
  getTransactionStatus?(): string | null
  /**
   * False from the moment a statement is sent until the server's
   * ReadyForQuery for it arrives (undefined before the first statement).
   */
  readonly readyForQuery?: boolean
  /**
   * pg's protocol connection (JavaScript client only). Internal to pg, so
   * every use is optional: the dialect reaches in only to destroy a socket
   * that will not close and to forget prepared statements after `DISCARD ALL`.
   */
  readonly connection?: PgConnection
}

/** @internal pg's `Connection` internals the dialect touches, all optional. */
export interface PgConnection {
  readonly stream?: { destroy(error?: Error): unknown }
  /** Named statements pg believes the server has prepared (and is preparing). */
  readonly parsedStatements?: Record<string, unknown>
  readonly submittedNamedStatements?: Record<string, unknown>
  once?(event: 'readyForQuery' | 'end', listener: () => void): unknown
  removeListener?(event: 'readyForQuery' | 'end', listener: () => void): unknown
}
