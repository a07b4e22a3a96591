import { PoolTimeoutError } from '@sluice/core'
import type { Knex } from 'knex'
import { KnexTimeoutError } from './knex-internals.js'

/** Stock Knex's message, word for word: apps and their tests match on it. */
export const KNEX_ACQUIRE_TIMEOUT_MESSAGE =
  'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'

/**
 * What a failed acquire becomes, as in stock Knex: a timeout turns into
 * `KnexTimeoutError` with Knex's message and the pool's own error (with its
 * counts, and the last connect error as its cause) as `cause`; anything else
 * passes through. Logged as a warning first, as stock Knex does.
 */
export function knexAcquireError(error: unknown, logger: Knex.Logger): unknown {
  logger.warn?.(`Acquire connection error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  if (!(error instanceof PoolTimeoutError)) return error
  const timeout = new KnexTimeoutError(KNEX_ACQUIRE_TIMEOUT_MESSAGE)
  timeout.cause = error
  return timeout
}
