import type { RunOptions, StatementCacheStats } from '../../dialect.js'
import { LruCache } from '../../statements/lru-cache.js'
import { wantsCache, type ResolvedStatementCacheConfig } from '../../statements/prepare-policy.js'
import type { SqliteDatabase } from './better-sqlite3-driver-types.js'
import { type SqlitePrepared, prepareSqlite } from './better-sqlite3-prepared.js'

/**
 * The SQLite dialect's per-connection cache of compiled statements, keyed by
 * SQL text, each with what its text says worked out once (see
 * `better-sqlite3-prepared.ts`). SQLite has no server to hold statements, so
 * eviction only lets the driver finalize the object.
 *
 * A schema change (ALTER TABLE, DROP, CREATE) needs nothing from us: SQLite
 * recompiles the statement on its next step, so a cached `SELECT *` returns
 * the new columns, and one over a dropped table fails as a fresh compile
 * would ("no such table"). That is why the result's `fields` are never
 * cached: they are read from the statement after each run, when a caller
 * wants them (another connection or process may have changed the schema,
 * which nothing short of a read of the schema cookie would tell, and that
 * read costs a transaction, more than the columns).
 *
 * @internal
 */
export class SqliteStatementCache {
  readonly #config: ResolvedStatementCacheConfig
  readonly #caches = new WeakMap<SqliteDatabase, LruCache<string, SqlitePrepared>>()

  constructor(config: ResolvedStatementCacheConfig) {
    this.#config = config
  }

  wants(params: readonly unknown[] | undefined, options: RunOptions): boolean {
    return this.#config.statementCacheSize > 0 && wantsCache(this.#config.prepare, params, options)
  }

  /** The statement for `sql`: the cached one, or a new one, kept. Throws as `db.prepare()` does. */
  prepare(db: SqliteDatabase, sql: string): SqlitePrepared {
    const cache = this.#cacheOf(db)
    const cached = cache.get(sql)
    if (cached !== undefined) return cached
    const prepared = prepareSqlite(db, sql)
    cache.set(sql, prepared)
    return prepared
  }

  /** The cached statement for `sql`, if any, without counting or touching it. */
  peek(db: SqliteDatabase, sql: string): SqlitePrepared | undefined {
    return this.#caches.get(db)?.peek(sql)
  }

  stats(db: SqliteDatabase): StatementCacheStats {
    return this.#caches.get(db)?.stats() ?? { size: 0, capacity: this.#config.statementCacheSize, hits: 0, misses: 0, evictions: 0 }
  }

  #cacheOf(db: SqliteDatabase): LruCache<string, SqlitePrepared> {
    let cache = this.#caches.get(db)
    if (cache === undefined) this.#caches.set(db, (cache = new LruCache(this.#config.statementCacheSize)))
    return cache
  }
}
