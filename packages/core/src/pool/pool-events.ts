import type { RetireReason } from '../housekeeping/housekeeper.js'
import type { SizeChange } from '../learning/size-change.js'
import type { BreakerTransition } from '../resilience/breaker-stats.js'

/** Events a pool emits, in pg-pool's vocabulary. */
export interface PoolEvents extends Record<string, unknown[]> {
  /** A new connection was opened. */
  connect: [connectionId: string]
  /** A connection was lent. */
  acquire: [connectionId: string]
  /** A connection was given back. */
  release: [connectionId: string]
  /** A connection was closed and left the pool. */
  remove: [connectionId: string, reason: RetireReason]
  /**
   * A failure the pool handled by itself: a connection lost while idle
   * (already removed when this fires), or a failed connect (then no id).
   * Nothing is thrown; listening is optional.
   */
  error: [error: Error, connectionId: string | undefined]
  /** A node's circuit breaker changed state (the primary's, or a replica's: `transition.node` says which). */
  breaker: [transition: BreakerTransition]
  /** The adaptive target moved (`sizing: 'adaptive'`): grown for demand or a forecast peak, shrunk after idling, or cut to the server's room. */
  resize: [change: SizeChange]
}
