/**
 * `@sluice/knex`: Knex's own clients with Sluice as the pool.
 *
 * ```ts
 * import knex from 'knex'
 * import { SluicePg, sluiceOf } from '@sluice/knex'
 *
 * const db = knex({ client: SluicePg, connection: process.env.DATABASE_URL, pool: { min: 2, max: 10 } })
 * console.log(sluiceOf(db).stats().currentState)
 * ```
 */
export { SluicePg } from './dialects/pg.js'
export { SluiceMysql2 } from './dialects/mysql2.js'
export { SluiceBetterSqlite3 } from './dialects/better-sqlite3.js'
export { sluiceOf } from './sluice-of.js'
export { sluicePoolConfig, type SluiceKnexPoolConfig, type AfterCreate } from './pool-options.js'
export { SluiceKnexConnection } from './knex-connection.js'
export { knexStatement, type KnexStatement } from './knex-statement.js'
export { KNEX_ACQUIRE_TIMEOUT_MESSAGE } from './acquire-error.js'
export { sluiceBatch, SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult, type KnexBatchQuery } from './batch.js'
