import type { Pool, PostgresDialectConfig } from '@sluice/core'
import type { SluicePoolSettings } from '../../pool-option-keys.js'
import type { SluiceDialectHooks } from '../../sluice-dialect.js'

/**
 * Options of {@link SluicePostgresDialect}.
 *
 * ```ts
 * new SluicePostgresDialect({ pool: { connectionString: process.env.DATABASE_URL, min: 2, max: 20 }, driver: pg })
 * new SluicePostgresDialect({ pool: sharedPool })
 * ```
 */
export interface SluicePostgresDialectConfig extends SluiceDialectHooks {
  /**
   * Either the options of a new Sluice pool, connection options of
   * `postgres()` (`connectionString` or `host`/`port`/`user`/`password`/
   * `database`, `ssl`, `statementTimeoutMillis`, ...) side by side with any
   * pool option (`min`, `max`, `acquireTimeoutMillis`, ...); or an existing
   * Sluice `Pool` on PostgreSQL, which `db.destroy()` then leaves open.
   */
  readonly pool: (SluicePoolSettings & Omit<PostgresDialectConfig, 'driver'>) | Pool
  /**
   * The `pg` module your application imports, so that errors are instances
   * of its classes (`pg.DatabaseError`) and its type parsers apply.
   * Defaults to importing `pg` on the first connect.
   */
  readonly driver?: PostgresDialectConfig['driver']
}
