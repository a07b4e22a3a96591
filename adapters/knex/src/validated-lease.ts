import type { Pool, PoolConnection } from '@sluice/core'
import { RoutedConnection } from '@sluice/core/adapter'
import type { Knex } from 'knex'
import { KNEX_ACQUIRE_TIMEOUT_MESSAGE } from './acquire-error.js'
import { KnexTimeoutError } from './knex-internals.js'

/** tarn's `validate`, as Knex takes it: true keeps the connection; false, or a throw, refuses it. */
export type Validate = (connection: any) => boolean | Promise<boolean>

/**
 * Borrows a connection that `validate` accepts, as tarn does with Knex's
 * `pool.validate`: each connection it refuses is closed and another one
 * borrowed, until the pool's acquire timeout has passed. `validate` gets the
 * driver's own connection, so a routed borrow (with replicas) pins its
 * primary connection first. A throwing `validate` refuses the connection
 * with a warning, as in stock Knex.
 */
export async function validatedLease(pool: Pool, validate: Validate, logger: Knex.Logger): Promise<PoolConnection> {
  const deadline = Date.now() + pool.config.acquireTimeoutMillis
  for (;;) {
    const lease = await pool.acquire({ target: 'auto' })
    let valid = false
    try {
      const connection = lease instanceof RoutedConnection ? (await lease.pin()).driverConnection : lease.driverConnection
      valid = (await validate(connection)) === true
    } catch (error) {
      logger.warn?.(`Pool validate threw an error: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (valid) return lease
    lease.destroy(new Error('refused by pool.validate'))
    if (Date.now() >= deadline) {
      const timeout = new KnexTimeoutError(KNEX_ACQUIRE_TIMEOUT_MESSAGE)
      timeout.cause = new Error(`pool.validate refused every connection for ${pool.config.acquireTimeoutMillis}ms`)
      throw timeout
    }
  }
}

/** The `validate` function of a Knex `pool` config, if any (resolveKnexPool has checked it). */
export function validateOf(pool: unknown): Validate | undefined {
  const validate = (pool as { validate?: unknown } | undefined)?.validate
  return typeof validate === 'function' ? (validate as Validate) : undefined
}
