import { postgres, type PostgresDialectConfig } from '@sluice/core'
import { PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely'
import type { DatabaseIntrospector, DialectAdapter, Kysely, QueryCompiler } from 'kysely'
import { resolvePoolSource } from '../../pool-source.js'
import { SluiceDialect } from '../../sluice-dialect.js'
import { POSTGRES_FLAVOR } from './postgres-flavor.js'
import type { SluicePostgresDialectConfig } from './sluice-postgres-dialect-config.js'

/**
 * Kysely's PostgreSQL dialect on a Sluice pool: Kysely's own compiler,
 * adapter and introspector, with connections from Sluice.
 *
 * ```ts
 * import pg from 'pg'
 *
 * const db = new Kysely<DB>({
 *   dialect: new SluicePostgresDialect({ pool: { connectionString: process.env.DATABASE_URL, max: 20 }, driver: pg }),
 * })
 * ```
 *
 * Options are validated here, so a bad one fails where the dialect is created.
 */
export class SluicePostgresDialect extends SluiceDialect {
  constructor(config: SluicePostgresDialectConfig) {
    const source = resolvePoolSource('postgres', config.pool, (connection: PostgresDialectConfig) =>
      postgres(config.driver === undefined ? connection : { ...connection, driver: config.driver }),
    )
    super(source, POSTGRES_FLAVOR, config)
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }

  protected createDialectAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
}
