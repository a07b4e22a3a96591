/**
 * The subset of better-sqlite3's API the SQLite dialect uses, typed
 * structurally so that `@sluice/core` never imports the driver's types (the
 * driver is an optional peer dependency). better-sqlite3's own `Database`
 * constructor satisfies {@link SqliteDatabaseConstructor}.
 */

/** better-sqlite3's `Database`: one synchronous SQLite connection. */
export interface SqliteDatabase {
  /** False once `close()` has run (or opening failed). */
  readonly open: boolean
  /** True while SQLite is out of autocommit mode (a transaction is open). */
  readonly inTransaction: boolean
  /** Compiles one statement; throws on a syntax error or more than one statement. */
  prepare(source: string): SqliteStatement
  /** Runs one or more statements without results. */
  exec(source: string): unknown
  /** Runs a PRAGMA; with `simple`, returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown
  /** Closes the connection, rolling back an open transaction; throws while an iterator is open. */
  close(): unknown
}

/** better-sqlite3's `Statement`. */
export interface SqliteStatement {
  /** True when the statement returns rows (SELECT, PRAGMA, `... RETURNING`). */
  readonly reader: boolean
  /** True when the statement cannot change the database. BEGIN and SAVEPOINT count as read-only. */
  readonly readonly: boolean
  run(...params: unknown[]): SqliteRunResult
  all(...params: unknown[]): unknown[]
  iterate(...params: unknown[]): IterableIterator<unknown>
  /** Rows as arrays of column values; only allowed on readers. */
  raw(toggleState?: boolean): SqliteStatement
  /** Integers as BigInt (`true`) or numbers for this statement; defaults to the database's `defaultSafeIntegers`. */
  safeIntegers(toggleState?: boolean): SqliteStatement
  /** The result columns; only allowed on readers. */
  columns(): ReadonlyArray<{ readonly name: string }>
}

/** What `Statement.run()` returns. */
export interface SqliteRunResult {
  readonly changes: number
  readonly lastInsertRowid: number | bigint
}

/** The options of `new Database()` the dialect passes. */
export interface SqliteOpenOptions {
  readonly readonly?: boolean
  /** The busy timeout in milliseconds (sets `PRAGMA busy_timeout`). */
  readonly timeout?: number
}

/** better-sqlite3's default export. */
export interface SqliteDatabaseConstructor {
  new (filename: string, options?: SqliteOpenOptions): SqliteDatabase
  /** The class of the driver's errors (`code` is SQLite's, e.g. `SQLITE_BUSY`). */
  readonly SqliteError?: new (message: string, code: string) => Error
}
