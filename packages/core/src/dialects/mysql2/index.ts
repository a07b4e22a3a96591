export { mysql, Mysql2Dialect } from './mysql2-dialect.js'
export type { MysqlDialectConfig } from './mysql2-dialect-config.js'
