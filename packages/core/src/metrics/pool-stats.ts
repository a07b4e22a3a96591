import type { SizingStats } from '../learning/sizing-stats.js'
import type { BreakerStats } from '../resilience/breaker-stats.js'

/**
 * What `pool.stats()` returns: the shape of the Kailash guide's statistics,
 * in camelCase, with every number measured.
 */
export interface PoolStats {
  readonly pool: {
    readonly name: string
    /** Where the pool connects, without secrets. */
    readonly database: string
    readonly min: number
    readonly max: number
    readonly closed: boolean
  }
  readonly currentState: {
    /** Open connections (idle, borrowed, or held by housekeeping). */
    readonly totalConnections: number
    /** Connections lent to a borrower. */
    readonly activeConnections: number
    /** Idle connections ready to lend. */
    readonly availableConnections: number
    /** Acquires waiting for a connection. */
    readonly pendingAcquires: number
    /** Connections being opened right now. */
    readonly pendingCreates: number
    /** Health score (0-100) per connection id. */
    readonly healthScores: Readonly<Record<string, number>>
  }
  readonly performance: {
    /** Mean acquire wait since the pool started, ms. */
    readonly avgAcquisitionTimeMs: number
    /** 99th percentile of the last 1 024 acquire waits, ms. */
    readonly p99AcquisitionTimeMs: number
    /** Mean statement time since the pool started, ms. */
    readonly avgQueryTimeMs: number
    /** 99th percentile of the last 1 024 statements, ms. */
    readonly p99QueryTimeMs: number
  }
  readonly queries: {
    readonly executed: number
    readonly errors: number
    /** errors / executed; 0 before the first statement. */
    readonly errorRate: number
  }
  readonly connections: {
    readonly created: number
    /** Closed for lifetime, idleness, low health or a fatal error. */
    readonly recycled: number
    /** Connect attempts that failed. */
    readonly failed: number
    /** Acquires that gave up after `acquireTimeoutMillis`. */
    readonly acquireTimeouts: number
  }
  /** Prepared-statement caches of all connections (zeros where the dialect caches none). */
  readonly statements: {
    /** Statements prepared and held by open connections right now. */
    readonly size: number
    /** Hits and misses since the pool started, closed connections included. */
    readonly hits: number
    readonly misses: number
    /** hits / (hits + misses); 0 before the first lookup. */
    readonly hitRate: number
    readonly evictions: number
  }
  /** The primary's circuit breaker (each replica's is in `routingStats()`); undefined when `breaker: false`. */
  readonly breaker: BreakerStats | undefined
  /** The target, ceiling and changes of the pool's size (the primary's); undefined when `learning: false`. */
  readonly sizing: SizingStats | undefined
  readonly workflows: {
    readonly active: number
    readonly completed: number
    /** Connections a workflow still held when it completed, released by the pool. */
    readonly leakedConnectionsReleased: number
  }
}
