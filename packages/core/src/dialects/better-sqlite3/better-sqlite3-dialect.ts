/**
 * The SQLite dialect, on the synchronous better-sqlite3 driver.
 *
 * better-sqlite3 runs every statement synchronously on the calling thread,
 * while the pool hands several connections (separate `Database` handles on one
 * file) to async callers. SQLite allows one writer per file at a time. If two
 * handles of this process both try to write (two open write transactions, or
 * an autocommit write beside someone else's write transaction), the second
 * gets SQLITE_BUSY, and `busy_timeout` would make it sleep *synchronously*:
 * the event loop stops, so the holder can never commit, a self-deadlock.
 *
 * So the dialect keeps one async write lock per database file, shared by all
 * handles of that file in this process (see `write-lock.ts`):
 *
 * - One writer at a time: a statement that may write, or that opens a
 *   transaction, first awaits the lock. A handle keeps it while a transaction
 *   is open and gives it back as soon as it is in autocommit mode again (after
 *   COMMIT or ROLLBACK, right after an autocommit write, after any error that
 *   leaves no transaction open, on reset and on close).
 * - Readers never wait: in WAL mode (the default for files) a reader runs
 *   beside the writer and sees the last committed state. Outside WAL, readers
 *   and the writer exclude each other at the file level, so there the lock
 *   serializes every statement. A read-only pool in WAL never takes the lock.
 * - Transactions start with `BEGIN IMMEDIATE`: the in-process lock is already
 *   held, and IMMEDIATE makes another *process* fail at BEGIN rather than in
 *   the middle of the transaction.
 * - The wait is bounded by `busyTimeoutMillis`, like SQLite's own: a
 *   transaction that waits for another transaction of the same app (Knex's
 *   `knex.transaction` inside a `knex.transaction`) fails with SQLITE_BUSY
 *   instead of hanging, and the holder's work goes on. `busy_timeout` itself
 *   only matters against other processes; within this process the lock
 *   means a handle never meets a lock held by a sibling.
 * - The driver is synchronous: a long statement blocks the event loop for as
 *   long as it runs. Only `stream()` gives the loop a turn, between chunks.
 *
 * An in-memory database is private to its handle, so it has no lock and the
 * pool keeps a single connection (`maxConnections: 1`).
 */
import { realpathSync } from 'node:fs'
import { resolve as resolvePath } from 'node:path'
import type { BatchMode, BatchOutcome, BatchStatement, Dialect, QueryResult, RunOptions, StatementCacheStats, StatementKind, StreamOptions } from '../../dialect.js'
import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import { analyzeStatement, classifyStatement, type StatementAnalysis } from '../../sql/classify-statement.js'
import { nextTurn, starvingEventLoop } from '../../util/event-loop-turn.js'
import { loadDriver } from '../../util/load-driver.js'
import { type ResolvedSqliteConfig, type SqliteDialectConfig, resolveSqliteConfig } from './better-sqlite3-dialect-config.js'
import type { SqliteDatabase, SqliteDatabaseConstructor } from './better-sqlite3-driver-types.js'
import { SqliteStatementCache } from './better-sqlite3-statement-cache.js'
import { type SqlitePrepared, prepareSqlite } from './better-sqlite3-prepared.js'
import { runSqliteBatch } from './better-sqlite3-batch.js'
import { classifySqliteConnectError, isSqliteFatalError, NOT_OPEN, sqliteBusyError } from './better-sqlite3-fatal-error.js'
import { execute } from './better-sqlite3-result.js'
import { SqliteStreams, streamSqliteRows } from './better-sqlite3-stream.js'
import { type LockWait, type WriteLock, releaseWriteLock, retainWriteLock } from './better-sqlite3-write-lock.js'


/**
 * A pool dialect for SQLite through better-sqlite3. Create it with {@link sqlite}.
 */
export class BetterSqlite3Dialect implements Dialect<SqliteDatabase> {
  readonly kind = 'sqlite' as const
  readonly description: string
  readonly defaultHealthCheckQuery = 'SELECT 1'
  readonly maxConnections: number | undefined
  readonly dataLivesInConnection: boolean
  readonly beginStatement = 'BEGIN IMMEDIATE'

  readonly #config: ResolvedSqliteConfig
  readonly #sessionPragmas: readonly string[]
  #driver: SqliteDatabaseConstructor | undefined
  #lock: { readonly key: string; readonly lock: WriteLock; retained: boolean } | undefined
  // false until a connection reports WAL, so that the first connect is serialized too
  #wal = false
  // how to stop each handle's open stream iterators, which would otherwise keep the handle busy
  readonly #streams = new SqliteStreams()
  readonly #statements: SqliteStatementCache
  // a writer waits for a sibling's transaction as long as SQLite would wait for another process's
  readonly #lockWait: LockWait

  constructor(config: SqliteDialectConfig) {
    this.#config = resolveSqliteConfig(config)
    this.description = `sqlite:${this.#config.filename}`
    this.maxConnections = this.#config.memory ? 1 : undefined
    this.dataLivesInConnection = this.#config.memory
    this.#sessionPragmas = sessionPragmas(this.#config)
    this.#statements = new SqliteStatementCache(this.#config)
    const timeoutMillis = this.#config.busyTimeoutMillis
    this.#lockWait = { timeoutMillis, timedOut: () => sqliteBusyError(this.#driver, timeoutMillis) }
  }

  async connect(): Promise<SqliteDatabase> {
    const { filename, readonly, busyTimeoutMillis, driver } = this.#config
    const Database = (this.#driver ??= driver ?? (await loadDriver<SqliteDatabaseConstructor>('better-sqlite3', 'sqlite')))
    const db = new Database(filename, { readonly, timeout: busyTimeoutMillis })
    try {
      if (!this.#config.memory && this.#lock?.retained !== true) this.#lock = retainLock(filename)
      await this.#configure(db)
      return db
    } catch (error) {
      await this.close(db)
      throw error
    }
  }

  run(db: SqliteDatabase, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    let result: QueryResult | undefined
    try {
      result = this.runNow(db, sql, params, options, true)
    } catch (error) {
      return Promise.reject(error as Error)
    }
    return result !== undefined ? Promise.resolve(result) : this.#runLater(db, sql, params, options)
  }

  /**
   * Runs the statement synchronously when nothing makes it wait: the event
   * loop has had a turn within the last 4 ms (else `run()` yields first), and
   * the statement needs no write lock, or the lock is free or already this
   * connection's (an open transaction). Returns undefined, having compiled
   * and run nothing, when it must wait; throws the statement's error.
   * `withFields` false leaves `fields` out (the caller drops them).
   */
  runNow(db: SqliteDatabase, sql: string, params: readonly unknown[] | undefined, options: RunOptions, withFields: boolean): QueryResult | undefined {
    if (starvingEventLoop() || this.#mustWait(db, sql, params, options)) return undefined
    const prepared = this.#compile(db, sql, this.#cachedFor(params, options))
    if (!this.#lockNow(db, prepared)) return undefined
    try {
      return execute(prepared, params ?? [], options, withFields)
    } finally {
      this.#releaseIfDone(db)
    }
  }

  /**
   * True when a sibling holds the write lock and this statement must wait
   * for it: outside WAL every statement (even compiling reads the file under
   * a lock the writer can block, and SQLite's busy wait would block the event
   * loop); in WAL one that may write or opens a transaction, or one not in
   * the cache, which cannot tell without compiling (the waiting way compiles it).
   */
  #mustWait(db: SqliteDatabase, sql: string, params: readonly unknown[] | undefined, options: RunOptions): boolean {
    const owner = this.#lock?.lock.owner
    if (owner === undefined || owner === db) return false
    if (!this.#wal) return true
    if (this.#config.readonly) return false
    const cached = this.#cachedFor(params, options) ? this.#statements.peek(db, sql) : undefined
    return cached === undefined || this.#needsLock(cached)
  }

  /** The way that waits: for the event loop's turn, then for the write lock. */
  async #runLater(db: SqliteDatabase, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    // the driver is synchronous: let timers and I/O in when a burst of statements has held the loop too long
    if (starvingEventLoop()) await nextTurn()
    return this.#withStatement(db, sql, (prepared) => execute(prepared, params ?? [], options), this.#cachedFor(params, options))
  }

  // a statement of its own for a per-statement safeIntegers: a cached one would keep the setting
  #cachedFor(params: readonly unknown[] | undefined, options: RunOptions): boolean {
    return options.safeIntegers === undefined && this.#statements.wants(params, options)
  }

  async ping(db: SqliteDatabase, sql: string): Promise<void> {
    // health checks stay out of the statement cache and its figures
    await this.run(db, sql, undefined, { prepare: false })
  }

  /**
   * Rolls back an open transaction and frees the write lock. With `full`, also
   * drops this connection's temp tables, views and triggers, detaches attached
   * databases and sets the configured pragmas again (a borrower may have
   * changed `foreign_keys`). SQLite keeps no other session state a borrower
   * can leave behind; user functions cannot be unregistered.
   */
  async reset(db: SqliteDatabase, options: { readonly full: boolean }): Promise<void> {
    this.#streams.stopAll(db)
    try {
      if (db.inTransaction) db.exec('ROLLBACK')
    } catch (error) {
      // a handle that cannot roll back is broken; closing it ends its transaction
      closeQuietly(db)
      this.#lock?.lock.release(db)
      throw error
    } finally {
      this.#releaseIfDone(db)
    }
    if (options.full) await this.#clearSession(db)
  }

  async close(db: SqliteDatabase): Promise<void> {
    this.#streams.stopAll(db)
    this.#lock?.lock.cancel(db, new TypeError(NOT_OPEN))
    // closing rolls back an open transaction; only then may the next writer go
    closeQuietly(db)
    this.#lock?.lock.release(db)
  }

  /** Read or write, for routing; `'unknown'` (primary) whenever unsure. */
  classify(sql: string): StatementKind {
    return classifyStatement(sql, 'sqlite')
  }

  /** The statement's kind from its text and the functions it calls. */
  analyze(sql: string): StatementAnalysis {
    return analyzeStatement(sql, 'sqlite')
  }

  isFatal(error: unknown): boolean {
    return isSqliteFatalError(error)
  }

  classifyConnectError(error: unknown): PermanentConnectReason | 'transient' {
    return classifySqliteConnectError(error)
  }

  /** better-sqlite3 has no background I/O and emits no events: an idle handle cannot fail. */
  watch(_db: SqliteDatabase, _onLost: (error: Error) => void): void {}

  statementCacheStats(db: SqliteDatabase): StatementCacheStats {
    return this.#statements.stats(db)
  }

  inTransaction(db: SqliteDatabase): boolean {
    return db.inTransaction
  }

  /**
   * Iterates the rows of `sql`, giving the event loop a turn every `chunkSize`
   * rows so that timers and I/O run while a large result is read. Breaking
   * out early frees the statement. A statement that may write holds the write
   * lock until the iteration ends.
   */
  stream(db: SqliteDatabase, sql: string, params: readonly unknown[] | undefined, options: StreamOptions): AsyncIterable<Record<string, unknown>> {
    const host = { streams: this.#streams, prepare: async (d: SqliteDatabase, text: string) => (await this.#prepareLocked(d, text)).stmt, releaseIfDone: (d: SqliteDatabase) => this.#releaseIfDone(d) }
    return streamSqliteRows(host, db, sql, params ?? [], options)
  }

  /** Runs a batch in one transaction, under the write lock for all of it (see `better-sqlite3-batch.ts`). */
  runBatch(db: SqliteDatabase, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
    return runSqliteBatch(batch, mode, {
      run: (sql, params) => this.run(db, sql, params, {}),
      inTransaction: () => db.inTransaction,
      isFatal: (error) => this.isFatal(error),
      // a read-only handle cannot take the RESERVED lock of BEGIN IMMEDIATE
      beginStatement: this.#config.readonly ? 'BEGIN' : this.beginStatement,
    })
  }

  /** Drops this pool's use of the file's write lock; the entry goes with the last pool on the file. */
  async end(): Promise<void> {
    if (this.#lock?.retained !== true) return
    releaseWriteLock(this.#lock.key)
    // handles still open keep using the lock object; only the shared registry forgets it
    this.#lock.retained = false
  }

  async #configure(db: SqliteDatabase): Promise<void> {
    const wanted = this.#config.journalMode?.toLowerCase()
    // in WAL reading the mode never meets the writer, so a new connection need not wait for an open transaction
    let mode = this.#wal ? String(db.pragma('journal_mode', { simple: true })) : undefined
    if (mode === undefined || (wanted !== undefined && mode !== wanted)) {
      const rows = await this.#query(db, wanted === undefined ? 'PRAGMA journal_mode' : `PRAGMA journal_mode = ${wanted}`)
      mode = String(Object.values(rows[0] ?? {})[0])
    }
    // SQLite answers with the mode in force, which is not WAL where the file system cannot
    // share memory between handles; the lock then serializes everything instead
    this.#wal = mode === 'wal'
    for (const sql of this.#sessionPragmas) await this.#query(db, sql)
  }

  async #clearSession(db: SqliteDatabase): Promise<void> {
    const objects = (await this.#query(db, "SELECT type, name FROM temp.sqlite_master WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type = 'table'")) as Array<{ type: string; name: string }>
    for (const { type, name } of objects) await this.#query(db, `DROP ${type.toUpperCase()} IF EXISTS temp.${quoteIdentifier(name)}`)
    const schemas = (await this.#query(db, 'PRAGMA database_list')) as Array<{ name: string }>
    for (const { name } of schemas) {
      if (name !== 'main' && name !== 'temp') await this.#query(db, `DETACH DATABASE ${quoteIdentifier(name)}`)
    }
    for (const sql of this.#sessionPragmas) await this.#query(db, sql)
  }

  /** Runs one statement under the lock rules and returns its rows (none for a non-reader). */
  #query(db: SqliteDatabase, sql: string): Promise<unknown[]> {
    return this.#withStatement(db, sql, ({ stmt }) => (stmt.reader ? stmt.all() : (stmt.run(), [])))
  }

  async #withStatement<T>(db: SqliteDatabase, sql: string, work: (prepared: SqlitePrepared) => T, cached = false): Promise<T> {
    try {
      return work(await this.#prepareLocked(db, sql, cached))
    } finally {
      this.#releaseIfDone(db)
    }
  }

  /** Compiles `sql`, first waiting for the write lock when the statement needs it. */
  async #prepareLocked(db: SqliteDatabase, sql: string, cached = false): Promise<SqlitePrepared> {
    const lock = this.#lock?.lock
    if (lock === undefined || lock.isHeldBy(db)) return this.#compile(db, sql, cached)
    if (!this.#wal) {
      // outside WAL even compiling reads the file under a lock the writer can block
      await lock.acquire(db, this.#lockWait)
      return this.#compile(db, sql, cached)
    }
    const prepared = this.#compile(db, sql, cached)
    if (this.#needsLock(prepared)) await lock.acquire(db, this.#lockWait)
    return prepared
  }

  /** Takes the write lock now if `prepared` needs it and it is free; true when the statement may run at once (always, after `#mustWait` said no). */
  #lockNow(db: SqliteDatabase, prepared: SqlitePrepared): boolean {
    const lock = this.#lock?.lock
    if (lock === undefined || lock.isHeldBy(db)) return true
    if (this.#wal && !this.#needsLock(prepared)) return true
    return lock.tryAcquire(db)
  }

  /** In WAL, what waits for the writer: a statement that may write or opens a transaction (never on a read-only pool). */
  #needsLock(prepared: SqlitePrepared): boolean {
    // SQLite reports BEGIN and SAVEPOINT as read-only, yet a transaction may write later
    return !this.#config.readonly && (!prepared.stmt.readonly || prepared.opensTransaction)
  }

  /** A statement from the connection's cache, or compiled for this one use (streams, internal pragmas). */
  #compile(db: SqliteDatabase, sql: string, cached: boolean): SqlitePrepared {
    return cached ? this.#statements.prepare(db, sql) : prepareSqlite(db, sql)
  }

  /** Gives the lock back once `db` is in autocommit mode again (after COMMIT, ROLLBACK or an autocommit statement). */
  #releaseIfDone(db: SqliteDatabase): void {
    const lock = this.#lock?.lock
    if (lock?.isHeldBy(db) === true && !db.inTransaction) lock.release(db)
  }
}

/**
 * The SQLite dialect (driver `better-sqlite3`, an optional peer dependency).
 *
 * ```ts
 * const dialect = sqlite({ filename: './app.db', pragmas: { cache_size: -64000 } })
 * ```
 */
export function sqlite(config: SqliteDialectConfig): Dialect<SqliteDatabase> {
  return new BetterSqlite3Dialect(config)
}

/** The per-connection pragmas, set at connect and again on a full reset. */
function sessionPragmas(config: ResolvedSqliteConfig): string[] {
  const pragmas = [`PRAGMA busy_timeout = ${config.busyTimeoutMillis}`]
  if (config.synchronous !== undefined) pragmas.push(`PRAGMA synchronous = ${config.synchronous}`)
  pragmas.push(`PRAGMA foreign_keys = ${config.foreignKeys ? 'ON' : 'OFF'}`)
  for (const [name, value] of config.pragmas) pragmas.push(`PRAGMA ${name} = ${value}`)
  return pragmas
}

function retainLock(filename: string): { key: string; lock: WriteLock; retained: boolean } {
  const absolute = resolvePath(filename)
  let key = absolute
  try {
    // the file exists once opened; its real path makes symlinked names share one lock
    key = realpathSync(absolute)
  } catch {
    // keep the resolved path
  }
  return { key, lock: retainWriteLock(key), retained: true }
}

function closeQuietly(db: SqliteDatabase): void {
  try {
    if (db.open) db.close()
  } catch {
    // closing must not fail for a broken connection
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
