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

/**
 * Knex's acquire timeout, raised from inside `_query`: a statement-level
 * connection (see `SluiceKnexClient.acquireConnection`) borrows when its
 * statement runs, not when Knex acquires it. Knex's runner takes every
 * `KnexTimeoutError` out of a query for a query timeout and rewrites its
 * message (and its client prefixes the SQL to it); this one keeps stock
 * Knex's acquire message whatever is written to it, so the error reads as
 * the acquire timeout it is.
 */
class KnexAcquireTimeoutError extends KnexTimeoutError {
  constructor() {
    // no own `message`: the accessor below answers it
    super()
    Object.defineProperty(this, 'message', {
      get: () => KNEX_ACQUIRE_TIMEOUT_MESSAGE,
      set: () => {},
      enumerable: false,
      configurable: true,
    })
  }
}

/** `knexAcquireError()` for a borrow that failed while a statement-level connection ran its statement. */
export function knexStatementAcquireError(error: unknown, logger: Knex.Logger): unknown {
  const translated = knexAcquireError(error, logger)
  if (!(translated instanceof KnexTimeoutError)) return translated
  const timeout = new KnexAcquireTimeoutError()
  timeout.cause = translated.cause
  return timeout
}
