export { createSluiceSqliteClient, drizzle, type SluiceBetterSqlite3Config, type SluiceSqliteClientConfig } from './driver.js'
export { SluiceSqliteClient, type TransactionFunction } from './sluice-sqlite-client.js'
export { sluiceOf } from '../sluice-of.js'
