import type { Logger } from '../util/logger.js'
import type { PoolConnection } from './pool-connection.js'

/**
 * Runs `fn` in a transaction on `tx`: `begin`, then COMMIT when `fn`
 * resolves, or ROLLBACK when it throws, closing the
 * connection if even the rollback fails. `tx` is given back either way.
 */
export async function runTransaction<T>(
  tx: PoolConnection,
  fn: (tx: PoolConnection) => Promise<T>,
  begin: string,
  log: Logger,
): Promise<T> {
  try {
    await tx.execute(begin)
    const result = await fn(tx)
    await tx.execute('COMMIT')
    return result
  } catch (error) {
    if (!tx.released && tx.inTransaction()) {
      try {
        await tx.execute('ROLLBACK')
      } catch (rollbackError) {
        log('warn', `rollback failed on ${tx.id}; closing it`, { connectionId: tx.id, error: rollbackError }, 'connection')
        tx.destroy(rollbackError instanceof Error ? rollbackError : undefined)
      }
    }
    throw error
  } finally {
    if (!tx.released) tx.release()
  }
}
