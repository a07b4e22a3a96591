import type { RunOptions, StatementCacheStats } from '../../dialect.js'
import { LruCache } from '../../statements/lru-cache.js'
import { wantsCache, type ResolvedStatementCacheConfig } from '../../statements/prepare-policy.js'
import type { Mysql2Connection, Mysql2QueryCallback } from './mysql2-driver-types.js'

/** What identifies one prepared statement to mysql2 (its own cache key is built from exactly these). */
interface StatementKey {
  readonly sql: string
  readonly rowsAsArray: boolean
}

/** One statement the dialect runs from the cache. @internal */
export interface CachedStatement {
  readonly sql: string
  readonly params: readonly unknown[] | undefined
  readonly rowsAsArray: boolean
}

/** One execution in flight. */
interface Call {
  readonly connection: Mysql2PreparingConnection
  readonly key: StatementKey
  readonly values: unknown[]
  readonly callback: Mysql2QueryCallback
}

/**
 * The prepared-statement calls of a mysql2 `Connection` (callback API). Typed
 * here rather than in the driver subset, which only the text protocol needs.
 */
interface Mysql2PreparingConnection {
  /** COM_STMT_PREPARE, or mysql2's already prepared statement for the same key. */
  prepare(options: StatementKey, callback: (error: Error | null) => void): unknown
  /** Prepare (answered from mysql2's cache when prepared) then COM_STMT_EXECUTE. Throws on an `undefined` value. */
  execute(options: StatementKey & { values: unknown[] }, callback: Mysql2QueryCallback): unknown
  /** Forgets the statement in mysql2's cache and sends COM_STMT_CLOSE. */
  unprepare(options: StatementKey): unknown
  query(options: StatementKey & { values: unknown[] }, callback: Mysql2QueryCallback): unknown
}

/** "This command is not supported in the prepared statement protocol yet". */
const ER_UNSUPPORTED_PS = 1295
/** "Prepared statement needs to be re-prepared" (the server gave up re-preparing after DDL). */
const ER_NEED_REPREPARE = 1615

/**
 * The MySQL/MariaDB dialect's per-connection cache of server-side prepared
 * statements (binary protocol: COM_STMT_PREPARE once, COM_STMT_EXECUTE after).
 *
 * mysql2 keeps its own statement cache inside each connection, keyed by SQL
 * and `rowsAsArray`; `connection.execute()` prepares through it. This class
 * is the authority over which statements stay: it keys its LRU the way mysql2
 * does, caps mysql2's cache at the same size (`maxPreparedStatements`), and on
 * eviction calls `unprepare()`, which removes mysql2's entry *and* sends
 * COM_STMT_CLOSE. (Closing a statement handle alone would leave mysql2 handing
 * out the closed handle again.) Both caches see the same lookups in the same
 * order, so a hit here is a hit there: no round trip before the execute.
 *
 * @internal
 */
export class Mysql2StatementCache {
  readonly #config: ResolvedStatementCacheConfig
  readonly #caches = new WeakMap<Mysql2Connection, LruCache<string, StatementKey>>()

  constructor(config: ResolvedStatementCacheConfig) {
    this.#config = config
  }

  /** Options for `createConnection`: mysql2's own statement cache never outgrows ours. */
  connectionOptions(): { maxPreparedStatements?: number } {
    const size = this.#config.statementCacheSize
    return size > 0 ? { maxPreparedStatements: size } : {}
  }

  /**
   * Whether a statement runs prepared. Unless the caller asks for it, one
   * whose values include an array or an object does not: the text protocol
   * expands those (`IN (?)` with `[1, 2, 3]`), the binary one cannot.
   */
  wants(params: readonly unknown[] | undefined, options: RunOptions): boolean {
    if (this.#config.statementCacheSize === 0 || !wantsCache(this.#config.prepare, params, options)) return false
    return options.prepare === true || params === undefined || params.every(isScalar)
  }

  /** Runs a statement as a cached prepared statement; `callback` gets what `query()` would pass. */
  execute(raw: Mysql2Connection, statement: CachedStatement, callback: Mysql2QueryCallback): void {
    const cache = this.#cacheOf(raw)
    const call: Call = {
      connection: raw as unknown as Mysql2PreparingConnection,
      key: { sql: statement.sql, rowsAsArray: statement.rowsAsArray },
      // mysql2's query() writes undefined as NULL; its execute() would throw
      values: (statement.params ?? []).map((value) => (value === undefined ? null : value)),
      callback,
    }
    if (cache.get(cacheKey(call.key)) !== undefined) run(call, () => this.#prepareAndRun(cache, call))
    else this.#prepareAndRun(cache, call)
  }

  stats(raw: Mysql2Connection): StatementCacheStats {
    return this.#caches.get(raw)?.stats() ?? { size: 0, capacity: this.#config.statementCacheSize, hits: 0, misses: 0, evictions: 0 }
  }

  /** COM_RESET_CONNECTION closed every statement (and mysql2 emptied its cache): so does ours. */
  forget(raw: Mysql2Connection): void {
    this.#caches.get(raw)?.clear()
  }

  #prepareAndRun(cache: LruCache<string, StatementKey>, call: Call): void {
    const { connection, key, values, callback } = call
    const id = cacheKey(key)
    // evicts first: the server never holds more than the capacity
    cache.set(id, key)
    connection.prepare(key, (error) => {
      if (error === null) {
        run(call, undefined)
        return
      }
      cache.delete(id)
      // statements the binary protocol refuses still run, as text
      if (errno(error) === ER_UNSUPPORTED_PS) connection.query({ ...key, values }, callback)
      else callback(error, undefined)
    })
  }

  #cacheOf(raw: Mysql2Connection): LruCache<string, StatementKey> {
    let cache = this.#caches.get(raw)
    if (cache === undefined) {
      const connection = raw as unknown as Mysql2PreparingConnection
      cache = new LruCache(this.#config.statementCacheSize, (_id, key) => connection.unprepare(key))
      this.#caches.set(raw, cache)
    }
    return cache
  }
}

/** Executes; on ER_NEED_REPREPARE closes the statement and calls `again` once. */
function run(call: Call, again: (() => void) | undefined): void {
  const { connection, key, values, callback } = call
  const done: Mysql2QueryCallback = (error, result, fields) => {
    if (error !== null && again !== undefined && errno(error) === ER_NEED_REPREPARE) {
      connection.unprepare(key)
      again()
      return
    }
    callback(error, result, fields)
  }
  try {
    connection.execute({ ...key, values }, done)
  } catch (error) {
    // mysql2 validates values synchronously (a function, say)
    callback(error instanceof Error ? error : new Error(String(error)), undefined)
  }
}

function cacheKey(key: StatementKey): string {
  return `${key.rowsAsArray ? 'a' : 'o'}:${key.sql}`
}

function errno(error: Error): unknown {
  return (error as { errno?: unknown }).errno
}

/** A value both protocols bind alike. */
function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value)
}
