/**
 * `@sluice/core/adapter`: what ORM adapters (`@sluice/kysely`, `@sluice/knex`,
 * `@sluice/drizzle`, or your own) need beyond the main entry, and
 * applications do not: the statement classifiers an adapter hands hints
 * with, the routed connection of `acquire({ target: 'auto' })`, the shared
 * batch runner behind `sluiceBatch()`, and the pool's option names.
 */
export { RoutedConnection } from './routing/routed-connection.js'
export { classifyStatement } from './sql/classify-statement.js'
export { leadingKeywords } from './sql/leading-keywords.js'
export { transactionEffect, type TransactionEffect } from './sql/transaction-effect.js'
export { runBatch, SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult, type PipelinedStatement, type PipelinedRun, type PipelineSource } from './pipeline/run-batch.js'
export { POOL_OPTION_KEYS, resolvePoolConfig } from './config/pool-config.js'
