/**
 * `@sluice/core/adapter`: what the ORM adapters use and apps do not (SQL
 * helpers, the routed connection, batches, the list of pool options).
 */
export { leadingKeywords } from './sql/leading-keywords.js'
export { transactionEffect, type TransactionEffect } from './sql/transaction-effect.js'
export { classifyStatement } from './routing/classify-statement.js'
export { runBatch, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult, type PipelinedStatement, type PipelinedRun } from './pipeline/run-batch.js'
export { RoutedConnection } from './routing/routed-connection.js'
export { POOL_OPTION_KEYS } from './config/pool-config.js'
