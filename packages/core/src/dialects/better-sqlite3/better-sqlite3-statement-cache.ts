import type { RunOptions, StatementCacheStats } from '../../dialect.js'
import { LruCache } from '../../statements/lru-cache.js'
import { wantsCache, type ResolvedStatementCacheConfig } from '../../statements/prepare-policy.js'
import type { SqliteDatabase, SqliteStatement } from './better-sqlite3-driver-types.js'

/** The row-shape modes better-sqlite3 keeps on a `Statement` from one run to the next. */
interface ModalStatement extends SqliteStatement {
  pluck(toggleState?: boolean): unknown
  expand(toggleState?: boolean): unknown
}

/**
 * The SQLite dialect's per-connection cache of compiled `Statement` objects,
 * keyed by SQL text. SQLite has no server to hold statements, so eviction
 * only lets the driver finalize the object.
 *
 * A `Statement` remembers its row shape (`raw`, `pluck`, `expand`), so every
 * statement handed out again is first put back to plain objects; the caller
 * then sets `raw(true)` for array rows. A schema change (ALTER TABLE, DROP,
 * CREATE) needs nothing from us: SQLite recompiles the statement on its next
 * step, so a cached `SELECT *` returns the new columns, and one over a dropped
 * table fails as a fresh compile would ("no such table").
 *
 * @internal
 */
export class SqliteStatementCache {
  readonly #config: ResolvedStatementCacheConfig
  readonly #caches = new WeakMap<SqliteDatabase, LruCache<string, SqliteStatement>>()

  constructor(config: ResolvedStatementCacheConfig) {
    this.#config = config
  }

  wants(params: readonly unknown[] | undefined, options: RunOptions): boolean {
    return this.#config.statementCacheSize > 0 && wantsCache(this.#config.prepare, params, options)
  }

  /** The statement for `sql`: the cached one with its modes reset, or a new one, kept. Throws as `db.prepare()` does. */
  prepare(db: SqliteDatabase, sql: string): SqliteStatement {
    const cache = this.#cacheOf(db)
    const cached = cache.get(sql)
    if (cached !== undefined) return plain(cached)
    const stmt = db.prepare(sql)
    cache.set(sql, stmt)
    return stmt
  }

  stats(db: SqliteDatabase): StatementCacheStats {
    return this.#caches.get(db)?.stats() ?? { size: 0, capacity: this.#config.statementCacheSize, hits: 0, misses: 0, evictions: 0 }
  }

  #cacheOf(db: SqliteDatabase): LruCache<string, SqliteStatement> {
    let cache = this.#caches.get(db)
    if (cache === undefined) this.#caches.set(db, (cache = new LruCache(this.#config.statementCacheSize)))
    return cache
  }
}

/** Rows as objects again, whatever the last caller asked for (only readers have row modes). */
function plain(stmt: SqliteStatement): SqliteStatement {
  if (!stmt.reader) return stmt
  const modal = stmt as ModalStatement
  modal.raw(false)
  modal.pluck(false)
  modal.expand(false)
  return stmt
}
