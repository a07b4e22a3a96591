import type { MysqlDialectConfig, Pool } from '@sluice/core'
import type { SluicePoolSettings } from '../../pool-option-keys.js'
import type { SluiceDialectHooks } from '../../sluice-dialect.js'

/**
 * Options of {@link SluiceMysqlDialect}.
 *
 * ```ts
 * new SluiceMysqlDialect({ pool: { connectionString: 'mysql://app:secret@db:3306/shop', max: 20 }, driver: mysql2 })
 * ```
 */
export interface SluiceMysqlDialectConfig extends SluiceDialectHooks {
  /**
   * Either the options of a new Sluice pool, connection options of
   * `mysql()` (`connectionString` or `host`/`port`/`user`/`password`/
   * `database`, `timezone`, `charset`, ...) side by side with any pool
   * option; or an existing Sluice `Pool` on MySQL/MariaDB, which
   * `db.destroy()` then leaves open.
   */
  readonly pool: (SluicePoolSettings & Omit<MysqlDialectConfig, 'driver'>) | Pool
  /** The `mysql2` module your application imports (not `mysql2/promise`). Defaults to importing it on the first connect. */
  readonly driver?: MysqlDialectConfig['driver']
}
