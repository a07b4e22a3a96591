import type { PermanentConnectReason } from './errors/permanent-connect-error.js'
import type { FunctionCall, FunctionVerdict } from './sql/function-call.js'
import type { StatementAnalysis } from './sql/statement-analysis.js'
import type { StatementKind } from './sql/statement-kind.js'

/**
 * The dialect hook: the only seam between the engine and a database driver.
 *
 * Everything the pool, the housekeeper and the adapters need from a database
 * goes through this interface. Only the folders under `src/dialects/` import a
 * driver; the engine speaks to `Dialect` and nothing else.
 *
 * Required members are the minimum a pool needs (connect, run, ping, reset,
 * close, tell fatal from query errors, watch an idle connection). Optional
 * members are capabilities, checked at runtime, so that adding one later is
 * not a breaking change for third-party dialects.
 */

export const DATABASE_KINDS = ['postgres', 'mysql', 'sqlite'] as const
export type DatabaseKind = (typeof DATABASE_KINDS)[number]

export type { StatementKind } from './sql/statement-kind.js'

/** Options a dialect honours when it runs one statement. */
export interface RunOptions {
  /**
   * `'array'` returns each row as an array of column values in select order
   * (what Drizzle asks of node-postgres and mysql2). Defaults to `'object'`.
   */
  readonly rowMode?: 'object' | 'array'
  /**
   * Run as a prepared statement from the connection's statement cache (see
   * `Dialect.statementCacheStats`). Defaults to the dialect's own setting.
   */
  readonly prepare?: boolean
  /**
   * MySQL/MariaDB only: mysql2's `typeCast` for this statement, in place of
   * the dialect's (mysql2's per-query option). The statement runs on the text
   * protocol, outside the statement cache. Other dialects ignore it.
   */
  readonly typeCast?: StatementTypeCast
  /**
   * SQLite only: integers of this statement as `BigInt` (`true`) or numbers
   * (`false`), better-sqlite3's `statement.safeIntegers()`, in place of the
   * connection's default. The statement is compiled for this use, outside the
   * statement cache. Other dialects ignore it.
   */
  readonly safeIntegers?: boolean
}

/**
 * mysql2's `typeCast`: a boolean, or `(field, next) => value`. Written as a
 * method type so that a function typed against mysql2's own field type fits.
 */
export type StatementTypeCast = boolean | { cast(field: { readonly name: string; readonly type: string; string(encoding?: string): string | null }, next: () => unknown): unknown }['cast']

/** Statement-cache figures of one connection, all measured. */
export interface StatementCacheStats {
  /** Statements prepared and held right now. */
  readonly size: number
  readonly capacity: number
  readonly hits: number
  readonly misses: number
  /** Statements dropped to make room (deallocated on the server where it keeps them). */
  readonly evictions: number
}

/** One statement of a batch. */
export interface BatchStatement {
  readonly sql: string
  readonly params?: readonly unknown[]
}

/** What became of one statement of a batch. */
export type BatchOutcome =
  | { readonly status: 'ok'; readonly result: QueryResult }
  | { readonly status: 'error'; readonly error: unknown }
  /** Not run, because an earlier statement failed (sequential) or the batch rolled back (transactional: `rolledBack`). */
  | { readonly status: 'not-run' | 'rolled-back' }

/**
 * How a dialect runs a batch:
 * - `sequential`: in order, stop at the first failure; the rest are `not-run`.
 * - `transactional`: all or nothing, in one transaction.
 * - `independent`: in order, each on its own; a failure touches no other.
 */
export type BatchMode = 'sequential' | 'transactional' | 'independent'

/** A driver result in a driver-neutral shape. */
export interface QueryResult<Row = Record<string, unknown>> {
  /** The rows a statement returned; empty for statements that return none. */
  readonly rows: Row[]
  /** Rows changed by INSERT, UPDATE, DELETE (and the like); undefined for plain reads. */
  readonly affectedRows?: number
  /** The id of the last inserted row, where the database reports one (MySQL, SQLite). */
  readonly insertId?: number | bigint
  /** The statement's command tag as the server reports it (`SELECT`, `INSERT`, ...), where it does. */
  readonly command?: string
  /** Column names in select order, where the driver reports them. */
  readonly fields?: ReadonlyArray<{ readonly name: string }>
  /** The driver's own result object, for adapters that must hand the ORM exactly what its stock driver would. */
  readonly raw?: unknown
}

/** What becomes of a statement run by {@link Dialect.runThen}, inside the dialect's promise for it. */
export interface StatementEnd<T> {
  /** The statement answered: returns what the promise resolves to; a throw rejects it. */
  succeeded(result: QueryResult): T
  /** The statement failed with `error`, settled (the connection can take the next command); the promise then rejects with it. */
  failed(error: unknown): void
}

/** Options for {@link Dialect.stream}. */
export interface StreamOptions extends Pick<RunOptions, 'typeCast' | 'safeIntegers'> {
  /** Rows fetched from the server per round trip. */
  readonly chunkSize: number
}

/**
 * A database driver as the engine sees it. `Raw` is the driver's own
 * connection object (a `pg.Client`, a mysql2 `Connection`, a better-sqlite3
 * `Database`); the engine never looks inside it.
 */
export interface Dialect<Raw = unknown> {
  /** Which database family this dialect speaks to. */
  readonly kind: DatabaseKind
  /**
   * Where the dialect connects, for logs, errors and stats, with every secret
   * removed (`postgres://app@db:5432/shop`, never a password).
   */
  readonly description: string
  /** The health-check statement used when the pool sets none (`SELECT 1`). */
  readonly defaultHealthCheckQuery: string

  /** Opens one new connection. Rejects with the driver's error; never hangs past its own connect timeout. */
  connect(): Promise<Raw>
  /** Runs one statement with bound parameters. */
  run(raw: Raw, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult>
  /**
   * `run()` that finishes the statement with `end` inside its own promise:
   * the pool's statement path takes one promise per statement instead of
   * one for the dialect and more for its own bookkeeping around it. Calls
   * exactly one of `end`'s methods, before the promise settles, also when
   * the statement fails before it is sent.
   */
  runThen?<T>(raw: Raw, sql: string, params: readonly unknown[] | undefined, options: RunOptions, end: StatementEnd<T>): Promise<T>
  /** Runs the health-check statement. */
  ping(raw: Raw, sql: string): Promise<void>
  /**
   * Makes a returned connection safe for its next borrower: rolls back an open
   * transaction; with `full`, also clears session state (variables, temp
   * tables, prepared statements) where the database can.
   */
  reset(raw: Raw, options: { readonly full: boolean }): Promise<void>
  /** Closes the connection. Must not reject for a connection that is already broken. */
  close(raw: Raw): Promise<void>
  /**
   * True when `error` means this connection can no longer be trusted (socket
   * closed, backend terminated, protocol out of sync); false for an error of
   * the statement itself (syntax, constraint, deadlock victim).
   */
  isFatal(error: unknown): boolean
  /**
   * Subscribes to failures that arrive while the connection sits idle (server
   * restart, `pg_terminate_backend`, `KILL`). The dialect must also swallow
   * the driver's `error` events so that none ever reaches the process as an
   * unhandled error.
   */
  watch(raw: Raw, onLost: (error: Error) => void): void

  /**
   * Whether a transaction is open on `raw`, when the driver knows exactly
   * (pg's ReadyForQuery status, MySQL's server status flags, SQLite's
   * autocommit flag). `undefined` lets the engine fall back to tracking
   * BEGIN/COMMIT/ROLLBACK itself.
   */
  inTransaction?(raw: Raw): boolean | undefined
  /**
   * The most connections this database can usefully have in one pool (1 for
   * an in-memory SQLite database, which each connection would see as its own
   * empty database). The pool clamps `max` to it with a warning.
   */
  readonly maxConnections?: number
  /**
   * True when the data lives in the connection itself (in-memory SQLite):
   * closing it loses the database, so the pool never retires it for age or
   * idleness, only when it is broken.
   */
  readonly dataLivesInConnection?: boolean
  /** The statement `pool.transaction()` opens a transaction with. Defaults to `BEGIN`. */
  readonly beginStatement?: string
  /**
   * Classifies a statement as a read or a write, for routing reads to
   * replicas. Must answer `'unknown'` (treated as a write) whenever unsure.
   */
  classify?(sql: string): StatementKind
  /**
   * What `classify` reads from the text, with the functions the statement
   * calls, so the router can ask the user's lists and `judgeFunctions` about
   * those the text alone cannot judge. Without it the router uses `classify`.
   */
  analyze?(sql: string): StatementAnalysis
  /**
   * Asks the database which of `calls` may run on a replica (PostgreSQL:
   * their volatility in `pg_proc`, resolved through the search path), keyed
   * by `functionKey(call)`. A call missing from the answer is taken as
   * unsafe (primary), except an unqualified built-in the classifier knows,
   * which is asked about only for shadows and keeps its verdict.
   */
  judgeFunctions?(raw: Raw, calls: readonly FunctionCall[]): Promise<ReadonlyMap<string, Exclude<FunctionVerdict, undefined>>>
  /** Statement-cache figures of one connection, when the dialect caches prepared statements. */
  statementCacheStats?(raw: Raw): StatementCacheStats
  /**
   * A synchronous driver's `run()` without promises: runs the statement at
   * once when nothing makes it wait (a lock, the event loop's turn), and
   * returns undefined, having run nothing, when it must wait (the engine then
   * calls `run()`). Throws the statement's error. The pool then lends, runs
   * and takes back a connection in one synchronous step. `withFields` false:
   * the caller drops `fields` (`query()`), so the dialect may leave them out.
   */
  runNow?(raw: Raw, sql: string, params: readonly unknown[] | undefined, options: RunOptions, withFields: boolean): QueryResult | undefined
  /**
   * Sends one statement on a connection while others may still be in flight
   * there, each with its own Sync, so one failure touches no other
   * (PostgreSQL's pipeline mode). Used by implicit pipelining.
   */
  runPipelined?(raw: Raw, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult>
  /** Runs a batch in as few round trips as the protocol allows, reporting every statement's fate. */
  runBatch?(raw: Raw, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]>
  /**
   * Where this session's last write stands in the primary's replication
   * stream (PostgreSQL: WAL LSN; MariaDB: GTID), for read-your-writes.
   */
  writePosition?(raw: Raw): Promise<string | undefined>
  /** How far a replica has replayed, in the same form as `writePosition`. */
  replayPosition?(raw: Raw): Promise<string | undefined>
  /** True when a replica at `replayed` already shows a write made at `written`. */
  positionReached?(replayed: string, written: string): boolean
  /** How far behind its primary this replica is, in ms; undefined when it is not replicating. */
  replicaLag?(raw: Raw): Promise<number | undefined>
  /** Streams a large result in chunks. */
  stream?(raw: Raw, sql: string, params: readonly unknown[] | undefined, options: StreamOptions): AsyncIterable<Record<string, unknown>>
  /** Releases what the dialect shares between its connections (called once by `pool.close()`). */
  end?(): Promise<void>
  /**
   * Tells a connect error that retrying cannot fix (bad password, unknown
   * database or role, TLS misconfiguration, unknown host: the reason) from
   * one that may pass (refused, reset, timed out, too many connections, the
   * server starting up or shutting down: `'transient'`). Without it every
   * connect error is transient.
   */
  classifyConnectError?(error: unknown): PermanentConnectReason | 'transient'
  /**
   * Asks the server to stop the statement running on `raw` (PostgreSQL's
   * cancel request, MySQL's `KILL QUERY` from a side connection), after a
   * statement timeout. Resolves once the request was delivered; the engine
   * then waits for the statement to end and keeps the connection if it does.
   */
  cancel?(raw: Raw): Promise<void>
  /**
   * Whether `raw`'s socket keeps the process alive (`allowExitOnIdle`: an
   * idle connection does not, a lent one does). Must not throw.
   */
  keepProcessAlive?(raw: Raw, keep: boolean): void
  /**
   * How many connections the server allows and how many are open on it
   * (everyone's), read on `raw`: the ceiling of adaptive sizing.
   */
  serverRoom?(raw: Raw): Promise<ServerRoom>
}

/** What a database server has room for, as `Dialect.serverRoom()` reads it. */
export interface ServerRoom {
  /** The server's connection limit (`max_connections`). */
  readonly maxConnections: number
  /** Of those, kept for superusers (PostgreSQL `superuser_reserved_connections` + `reserved_connections`; 0 on MySQL, whose SUPER connection is beyond the limit). */
  readonly reservedForSuperuser: number
  /** Client connections open on the server right now, this pool's included. */
  readonly inUse: number
}
