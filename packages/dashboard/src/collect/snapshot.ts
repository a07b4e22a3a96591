/**
 * What the page and `/metrics` read: one frame per sample, one snapshot per
 * pool, every number measured by the engine. A concern the engine does not
 * report is absent (null), never zero-filled, so its panel is not drawn.
 * New engine figures become new fields here and new panels on the page.
 */
export interface DashboardFrame {
  /** When the pools were sampled, ms since the epoch. */
  readonly at: number
  readonly intervalMillis: number
  readonly pools: readonly PoolSnapshot[]
}

export interface PoolSnapshot {
  readonly name: string
  /** Where the pool connects, as the engine describes it (without secrets). */
  readonly database: string
  readonly min: number
  readonly max: number
  readonly connections: ConnectionCounts
  /** Borrowed connections / max, 0..1. */
  readonly utilization: number
  /** Health score (0-100) of each open connection. */
  readonly health: ReadonlyArray<{ readonly id: string; readonly score: number }>
  readonly acquireWait: LatencySummary
  /** The primary's acquire waits since the pool started, by bucket (the engine's cumulative histogram). */
  readonly acquireWaitDistribution: LatencyDistribution
  readonly queryTime: LatencySummary
  readonly totals: PoolTotals
  /** Per-second rates since the previous sample; null on a pool's first sample. */
  readonly rates: PoolRates | null
  /** Null while the pool's dialect has looked up no prepared statement (or keeps none). */
  readonly statementCache: StatementCacheSnapshot | null
  readonly workflows: WorkflowsSnapshot
  /** The primary first, then each replica. */
  readonly nodes: readonly NodeSnapshot[]
  /** The most frequent statement fingerprints (`pool.patterns.frequent()`), the most frequent first; empty before the first statement. */
  readonly patterns: readonly PatternSnapshot[]
  /** Null without replicas. */
  readonly routing: RoutingTotals | null
  /** The pool's size as learning sees it (`stats().sizing`); null when learning is off. */
  readonly sizing: SizingSnapshot | null
  /** Pool events since the previous sample, oldest first. */
  readonly events: readonly PoolEventRecord[]
  /** Events left out of `events` because there were more than a frame carries. */
  readonly eventsDropped: number
}

export interface SizingSnapshot {
  readonly mode: 'fixed' | 'adaptive'
  /** Connections kept open: `min`, or the adaptive target. */
  readonly target: number
  /** The most the pool may open: `max`, or less when the server has less room. */
  readonly ceiling: number
  /** Moves of the adaptive target since the pool started. */
  readonly changes: number
}

export interface ConnectionCounts {
  readonly total: number
  /** Lent to a borrower. */
  readonly active: number
  /** Ready to lend. */
  readonly idle: number
  /** Held by the pool itself: a health check, a reset, a close in progress. */
  readonly reserved: number
  /** Acquires waiting for a connection. */
  readonly pendingAcquires: number
  /** Connections being opened. */
  readonly pendingCreates: number
}

export interface LatencySummary {
  /** Mean since the pool started, ms. */
  readonly avgMillis: number
  /** 99th percentile of the most recent ones, ms. */
  readonly p99Millis: number
}

export interface LatencyDistribution {
  /** Observations since the pool started. */
  readonly count: number
  /** The median, interpolated inside its bucket; null before the first observation. */
  readonly p50Millis: number | null
  /** Observations per bucket, from the first bucket with one to the last; `upToMillis` null is the overflow (+Inf). */
  readonly buckets: ReadonlyArray<{ readonly upToMillis: number | null; readonly count: number }>
}

export interface PoolTotals {
  readonly executed: number
  readonly errors: number
  readonly connectionsCreated: number
  readonly connectionsRecycled: number
  readonly connectsFailed: number
  readonly acquireTimeouts: number
}

export interface PoolRates {
  readonly queriesPerSecond: number
  readonly errorsPerSecond: number
  /** Failed / executed statements in the interval; 0 when none ran. */
  readonly errorRatio: number
  readonly acquireTimeoutsPerSecond: number
  readonly connectionsCreatedPerSecond: number
  readonly connectionsRecycledPerSecond: number
  /** Statement-cache hits / lookups in the interval; null when there was no lookup. */
  readonly statementCacheHitRatio: number | null
}

export interface StatementCacheSnapshot {
  /** Statements prepared on open connections now. */
  readonly size: number
  readonly hits: number
  readonly misses: number
  readonly evictions: number
  /** hits / (hits + misses) since the pool started. */
  readonly hitRatio: number
}

export interface WorkflowsSnapshot {
  readonly active: number
  readonly completed: number
  readonly leakedConnectionsReleased: number
  /** What pre-warming learned per workflow type: recent peaks of connections held at once. */
  readonly learned: ReadonlyArray<{ readonly type: string; readonly runs: number; readonly lastPeak: number; readonly maxPeak: number }>
}

export interface NodeSnapshot {
  /** `primary`, or the replica's name within its pool (`replica-1`). */
  readonly node: string
  readonly role: 'primary' | 'replica'
  readonly database: string
  /** In rotation (a replica) or open (the primary). */
  readonly healthy: boolean
  /** Why a replica is out of rotation. */
  readonly reason: string | null
  /** A replica's lag at its last check, ms; null when unknown or while replay is stopped (see `replayStopped`). */
  readonly lagMillis: number | null
  readonly replayStopped: boolean
  readonly totalConnections: number
  readonly activeConnections: number
  /** Reads the router sent to this replica; null for the primary. */
  readonly reads: number | null
  /** Reads per second sent to this replica since the previous sample. */
  readonly readsPerSecond: number | null
  /** The node's circuit breaker; null when the pool runs without one (`breaker: false`). */
  readonly breaker: BreakerSnapshot | null
}

export interface BreakerSnapshot {
  readonly state: 'closed' | 'open' | 'half-open'
  /** When it entered this state, ms since the epoch. */
  readonly since: number
  /** While open: ms until it probes the node again. */
  readonly retryAfterMillis: number | null
  readonly consecutiveFailures: number
  /** Failed / all calls in the breaker's sliding window. */
  readonly errorRate: number
  readonly opened: number
  /** Calls failed at once because it was open. */
  readonly rejected: number
  /** The last transport failure it counted (the driver's message, never a secret: the engine keeps none in it). */
  readonly lastError: string | null
}

export interface RoutingTotals {
  readonly readsToReplicas: number
  readonly readsToPrimary: number
  readonly writes: number
  /** Reads that failed on a replica and ran on the primary. */
  readonly fallbacks: number
}

export type PoolEventKind = 'connect' | 'remove' | 'error' | 'breaker'

export interface PoolEventRecord {
  /** Increases by one per event of this pool. */
  readonly seq: number
  readonly at: number
  readonly kind: PoolEventKind
  readonly connectionId: string | null
  /** The reason a connection was removed, an error's class and message, or a breaker's change (`primary: closed → open (consecutive-failures)`). */
  readonly detail: string | null
}

/** One statement fingerprint: values are `?` in it, never shown. */
export interface PatternSnapshot {
  /** Clipped to `PATTERN_TEXT_CHARS`. */
  readonly fingerprint: string
  readonly operation: string
  readonly kind: string
  readonly tables: readonly string[]
  readonly count: number
  readonly ratePerSecond: number
  readonly meanMillis: number
  readonly p95Millis: number
  readonly errors: number
}
