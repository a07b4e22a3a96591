import { mysql, type MysqlDialectConfig } from '@sluice/core'
import { MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler } from 'kysely'
import type { DatabaseIntrospector, DialectAdapter, Kysely, QueryCompiler } from 'kysely'
import { resolvePoolSource } from '../../pool-source.js'
import { SluiceDialect } from '../../sluice-dialect.js'
import { MYSQL_FLAVOR } from './mysql-flavor.js'
import type { SluiceMysqlDialectConfig } from './sluice-mysql-dialect-config.js'

/**
 * Kysely's MySQL dialect (MySQL and MariaDB) on a Sluice pool: Kysely's own
 * compiler, adapter and introspector, with connections from Sluice.
 *
 * ```ts
 * import mysql2 from 'mysql2'
 *
 * const db = new Kysely<DB>({
 *   dialect: new SluiceMysqlDialect({ pool: { connectionString: process.env.DATABASE_URL, max: 20 }, driver: mysql2 }),
 * })
 * ```
 */
export class SluiceMysqlDialect extends SluiceDialect {
  constructor(config: SluiceMysqlDialectConfig) {
    const source = resolvePoolSource('mysql', config.pool, (connection: MysqlDialectConfig) =>
      mysql(config.driver === undefined ? connection : { ...connection, driver: config.driver }),
    )
    super(source, MYSQL_FLAVOR, config)
  }

  createQueryCompiler(): QueryCompiler {
    return new MysqlQueryCompiler()
  }

  protected createDialectAdapter(): DialectAdapter {
    return new MysqlAdapter()
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new MysqlIntrospector(db)
  }
}
