import { SluiceError } from './sluice-error.js'

/** Counts at the moment an acquire gave up. */
export interface PoolSnapshot {
  readonly total: number
  readonly active: number
  readonly idle: number
  readonly waiting: number
  readonly max: number
}

/**
 * An acquire waited `acquireTimeoutMillis` without getting a connection. The
 * message carries the pool's counts; `cause` is the last error met while
 * opening a connection, so "database down" (a cause, few connections) and
 * "pool full" (no cause, active = max) read differently.
 */
export class PoolTimeoutError extends SluiceError {
  readonly snapshot: PoolSnapshot
  readonly waitedMillis: number

  constructor(poolName: string, waitedMillis: number, snapshot: PoolSnapshot, cause?: unknown) {
    const counts = `total=${snapshot.total}, active=${snapshot.active}, idle=${snapshot.idle}, waiting=${snapshot.waiting}, max=${snapshot.max}`
    const reason = cause instanceof Error ? `; last connection error: ${cause.message}` : ''
    super(
      'SLUICE_POOL_TIMEOUT',
      `${poolName}: connection not available, request timed out after ${Math.round(waitedMillis)}ms (${counts})${reason}`,
      cause === undefined ? undefined : { cause },
    )
    this.snapshot = snapshot
    this.waitedMillis = waitedMillis
  }
}
