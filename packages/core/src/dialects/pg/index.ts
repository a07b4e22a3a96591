export { postgres, PgDialect } from './pg-dialect.js'
export type { PostgresDialectConfig } from './pg-dialect-config.js'
export type { PgClient, PgModule } from './pg-driver-types.js'
