import type { Pool, SqliteDialectConfig } from '@sluice/core'
import type { SluicePoolSettings } from '../../pool-option-keys.js'
import type { SluiceDialectHooks } from '../../sluice-dialect.js'

/**
 * Options of {@link SluiceSqliteDialect}.
 *
 * ```ts
 * new SluiceSqliteDialect({ pool: { filename: './app.db', max: 4 }, driver: Database })
 * ```
 */
export interface SluiceSqliteDialectConfig extends SluiceDialectHooks {
  /**
   * Either the options of a new Sluice pool, connection options of
   * `sqlite()` (`filename`, `journalMode`, `busyTimeoutMillis`, `pragmas`,
   * ...) side by side with any pool option; or an existing Sluice `Pool` on
   * SQLite, which `db.destroy()` then leaves open.
   */
  readonly pool: (SluicePoolSettings & Omit<SqliteDialectConfig, 'driver'>) | Pool
  /** better-sqlite3's `Database` class as your application imports it. Defaults to importing `better-sqlite3` on the first connect. */
  readonly driver?: SqliteDialectConfig['driver']
}
