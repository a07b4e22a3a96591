/**
 * `@sluice/drizzle`: Sluice as the connection pool under Drizzle ORM.
 *
 * The drivers live in their own entry points, as Drizzle's do, so that an app
 * loads only the driver it uses:
 *
 * ```ts
 * import { drizzle } from '@sluice/drizzle/node-postgres'
 * import { drizzle } from '@sluice/drizzle/mysql2'
 * import { drizzle } from '@sluice/drizzle/better-sqlite3'
 * ```
 */
export { sluiceOf } from './sluice-of.js'
export type { SluicePoolOptions } from './pool-options.js'
export { sluiceBatch, SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult, type DrizzleBatchQuery } from './batch.js'
