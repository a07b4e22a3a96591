import type { SizingStats } from '../learning/sizing-stats.js'
import type { BreakerStats } from '../resilience/breaker-stats.js'
import type { HistogramSnapshot } from './histogram.js'
import type { QueryErrorClass } from './pool-counters.js'
import type { PoolStats } from './pool-stats.js'

/**
 * One node's instruments (the primary's pool or a replica's), read from the
 * engine's own counters at the moment `pool.metrics()` is called: counters
 * only grow (from the pool's start), histograms are cumulative and in
 * seconds, with the same bucket bounds in every pool and every process so
 * that they add up across instances.
 */
export interface NodeMetrics {
  /** The pool's name for the primary, `name/replica-N` for a replica. */
  readonly node: string
  readonly role: 'primary' | 'replica'
  readonly connections: {
    readonly total: number
    readonly active: number
    readonly idle: number
    /** Acquires waiting. */
    readonly pending: number
    /** Connects in flight. */
    readonly creating: number
    readonly min: number
    readonly max: number
  }
  /** Health score (0-100) of each open connection. */
  readonly healthScores: readonly number[]
  /** Time from asking for a connection to having it. */
  readonly acquireSeconds: HistogramSnapshot
  /** Time borrowers held connections. */
  readonly usageSeconds: HistogramSnapshot
  /** Time to open a connection (connect and `onConnect`). */
  readonly creationSeconds: HistogramSnapshot
  readonly acquireTimeouts: number
  readonly connectionsCreated: number
  /** Connections closed, by reason (`lifetime`, `idle`, `health`, `broken`, `destroyed`, `reset-failed`, `pool-closed`). */
  readonly connectionsClosed: Readonly<Record<string, number>>
  /** Failed connects, by reason (`transient`, a permanent reason such as `auth`, or `setup` when `onConnect` failed). */
  readonly connectsFailed: Readonly<Record<string, number>>
  /** Statements run (each counted once, with its duration, in `queryDurations`). */
  readonly queries: number
  readonly queryErrors: Readonly<Record<QueryErrorClass, number>>
  /** Statement durations by operation (`SELECT`, `INSERT`, ..., `OTHER`) and main table (`none`, `other` beyond `patterns.tableLabels`). */
  readonly queryDurations: ReadonlyArray<{ readonly operation: string; readonly table: string; readonly seconds: HistogramSnapshot }>
  readonly statementCache: PoolStats['statements']
  /** Statements per batch of the explicit pipelines and batches. */
  readonly batchSizes: HistogramSnapshot
  /** Undefined when `breaker: false`. */
  readonly breaker: BreakerStats | undefined
  /** The pool's size policy (target, ceiling, changes); undefined for a replica, or when learning is off. */
  readonly sizing: SizingStats | undefined
  /** For a replica: what the router's last check found. */
  readonly replica?: {
    readonly inRotation: boolean
    /** Undefined before the first successful check; Infinity while replay is stopped. */
    readonly lagSeconds: number | undefined
    readonly reads: number
  }
}

/** What `pool.metrics()` returns: every node's instruments, the router's decisions and the workflows. */
export interface PoolMetrics {
  readonly pool: string
  readonly closed: boolean
  /** The primary first, then each replica. */
  readonly nodes: readonly NodeMetrics[]
  /** Undefined without replicas. */
  readonly routing:
    | {
        readonly readsToReplicas: number
        readonly readsToPrimary: number
        readonly writes: number
        /** Reads a failing replica handed back to the primary. */
        readonly fallbacks: number
      }
    | undefined
  readonly workflows: PoolStats['workflows']
}
