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
 * opening a connection, so "database down" and "pool full" read differently:
 * with no connection open and connects failing, the message says the
 * database is unreachable and why; with no cause and active = max, the pool
 * was full.
 */
export class PoolTimeoutError extends SluiceError {
  readonly snapshot: PoolSnapshot
  readonly waitedMillis: number

  /** `database`: where the pool connects (without secrets), named when it is unreachable. */
  constructor(poolName: string, waitedMillis: number, snapshot: PoolSnapshot, cause?: unknown, database?: string) {
    const counts = `total=${snapshot.total}, active=${snapshot.active}, idle=${snapshot.idle}, waiting=${snapshot.waiting}, max=${snapshot.max}`
    const waited = `request timed out after ${Math.round(waitedMillis)}ms (${counts})`
    let message = `${poolName}: connection not available, ${waited}`
    if (cause instanceof Error) {
      message =
        snapshot.total === 0
          ? `${poolName}: the database ${database ?? ''}${database ? ' ' : ''}is unreachable: ${errorText(cause)}; ${waited}`
          : `${message}; last connection error: ${errorText(cause)}`
    }
    super('SLUICE_POOL_TIMEOUT', message, cause === undefined ? undefined : { cause })
    this.snapshot = snapshot
    this.waitedMillis = waitedMillis
  }
}

/** An error's message; for net's AggregateError (one error per address, no message of its own) the inner ones. */
function errorText(error: Error): string {
  if (error.message !== '') return error.message
  const inner = (error as { errors?: unknown }).errors
  if (Array.isArray(inner)) {
    const texts = inner.map((e) => (e instanceof Error ? e.message : String(e))).filter((t) => t !== '')
    if (texts.length > 0) return texts.join('; ')
  }
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : error.name
}
