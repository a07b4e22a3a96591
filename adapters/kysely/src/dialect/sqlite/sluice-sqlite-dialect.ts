import { sqlite, type SqliteDialectConfig } from '@sluice/core'
import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely'
import type { DatabaseIntrospector, DialectAdapter, Kysely, QueryCompiler } from 'kysely'
import { resolvePoolSource } from '../../pool-source.js'
import { SluiceDialect } from '../../sluice-dialect.js'
import { SQLITE_FLAVOR } from './sqlite-flavor.js'
import type { SluiceSqliteDialectConfig } from './sluice-sqlite-dialect-config.js'

/**
 * Kysely's SQLite dialect on a Sluice pool of better-sqlite3 connections.
 * Unlike the stock dialect's single connection, reads run side by side (in
 * WAL mode) while the engine keeps writers to one at a time.
 *
 * ```ts
 * import Database from 'better-sqlite3'
 *
 * const db = new Kysely<DB>({ dialect: new SluiceSqliteDialect({ pool: { filename: './app.db' }, driver: Database }) })
 * ```
 */
export class SluiceSqliteDialect extends SluiceDialect {
  constructor(config: SluiceSqliteDialectConfig) {
    const source = resolvePoolSource('sqlite', config.pool, (connection: SqliteDialectConfig) =>
      sqlite(config.driver === undefined ? connection : { ...connection, driver: config.driver }),
    )
    super(source, SQLITE_FLAVOR, config)
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler()
  }

  protected createDialectAdapter(): DialectAdapter {
    return new SqliteAdapter()
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db)
  }
}
