export { sqlite, BetterSqlite3Dialect } from './better-sqlite3-dialect.js'
export type { SqliteDialectConfig } from './better-sqlite3-dialect-config.js'
