import type { BreakerStats, PoolStats, RoutingStats } from '@sluice/core'
import type { RegisteredPool } from '../registry/pool-registry.js'
import { clipText } from '../util/clip-text.js'
import { latencyDistribution } from './latency-distribution.js'
import { poolRates, replicaReadsPerSecond } from './rates.js'
import { PATTERN_TEXT_CHARS, PATTERNS_SHOWN } from '../config/defaults.js'
import type { BreakerSnapshot, NodeSnapshot, PatternSnapshot, PoolSnapshot, StatementCacheSnapshot, WorkflowsSnapshot } from './snapshot.js'

export interface CollectOptions {
  /** When the sample is taken, ms since the epoch. */
  readonly at: number
  /** The same pool's last sample, for the rates; without it they are null. */
  readonly previous?: { readonly at: number; readonly snapshot: PoolSnapshot } | undefined
  /** False for a scrape of `/metrics`, which must not take the page's events. Defaults to true. */
  readonly drainEvents?: boolean
}

/**
 * Turns one pool into a snapshot: `stats()`, `metrics()`, `routingStats()`
 * and `workflowHistory()` read once, and the events since the last sample.
 */
export function collectPool(entry: RegisteredPool, { at, previous, drainEvents = true }: CollectOptions): PoolSnapshot {
  const stats = entry.pool.stats()
  const routing = entry.pool.routingStats()
  const { events, dropped } = drainEvents ? entry.events.drain() : { events: [], dropped: 0 }
  const base = {
    name: entry.name,
    database: stats.pool.database,
    min: stats.pool.min,
    max: stats.pool.max,
    connections: connectionCounts(stats),
    utilization: stats.pool.max === 0 ? 0 : stats.currentState.activeConnections / stats.pool.max,
    health: Object.entries(stats.currentState.healthScores).map(([id, score]) => ({ id, score })),
    acquireWait: { avgMillis: stats.performance.avgAcquisitionTimeMs, p99Millis: stats.performance.p99AcquisitionTimeMs },
    acquireWaitDistribution: latencyDistribution(entry.pool.metrics().nodes[0]!.acquireSeconds),
    queryTime: { avgMillis: stats.performance.avgQueryTimeMs, p99Millis: stats.performance.p99QueryTimeMs },
    totals: {
      executed: stats.queries.executed,
      errors: stats.queries.errors,
      connectionsCreated: stats.connections.created,
      connectionsRecycled: stats.connections.recycled,
      connectsFailed: stats.connections.failed,
      acquireTimeouts: stats.connections.acquireTimeouts,
    },
    statementCache: statementCache(stats),
    workflows: workflows(stats, entry.pool.workflowHistory()),
    routing: routing
      ? { readsToReplicas: routing.readsToReplicas, readsToPrimary: routing.readsToPrimary, writes: routing.writes, fallbacks: routing.fallbacks }
      : null,
    sizing: stats.sizing ? { mode: stats.sizing.mode, target: stats.sizing.target, ceiling: stats.sizing.ceiling, changes: stats.sizing.changes } : null,
    events,
    eventsDropped: dropped,
  }
  const seconds = previous ? (at - previous.at) / 1000 : 0
  const nodes = [primaryNode(stats), ...replicaNodes(entry.name, routing, previous?.snapshot, seconds)]
  const current = { ...base, nodes, patterns: patterns(entry), rates: null }
  return { ...current, rates: previous && seconds > 0 ? poolRates(current, previous.snapshot, seconds) : null }
}

function connectionCounts(stats: PoolStats): PoolSnapshot['connections'] {
  const s = stats.currentState
  return {
    total: s.totalConnections,
    active: s.activeConnections,
    idle: s.availableConnections,
    // open connections neither lent nor idle are the pool's own (checks, resets, closing)
    reserved: Math.max(0, s.totalConnections - s.activeConnections - s.availableConnections),
    pendingAcquires: s.pendingAcquires,
    pendingCreates: s.pendingCreates,
  }
}

function statementCache(stats: PoolStats): StatementCacheSnapshot | null {
  const s = stats.statements
  if (s.hits + s.misses === 0 && s.size === 0) return null
  return { size: s.size, hits: s.hits, misses: s.misses, evictions: s.evictions, hitRatio: s.hitRate }
}

function workflows(stats: PoolStats, history: Record<string, readonly number[]>): WorkflowsSnapshot {
  return {
    active: stats.workflows.active,
    completed: stats.workflows.completed,
    leakedConnectionsReleased: stats.workflows.leakedConnectionsReleased,
    learned: Object.entries(history).map(([type, peaks]) => ({
      type,
      runs: peaks.length,
      lastPeak: peaks.at(-1) ?? 0,
      maxPeak: peaks.length === 0 ? 0 : Math.max(...peaks),
    })),
  }
}

function primaryNode(stats: PoolStats): NodeSnapshot {
  return {
    node: 'primary',
    role: 'primary',
    database: stats.pool.database,
    healthy: !stats.pool.closed,
    reason: stats.pool.closed ? 'closed' : null,
    lagMillis: null,
    replayStopped: false,
    totalConnections: stats.currentState.totalConnections,
    activeConnections: stats.currentState.activeConnections,
    reads: null,
    readsPerSecond: null,
    breaker: breaker(stats.breaker),
  }
}

function replicaNodes(poolName: string, routing: RoutingStats | undefined, previous: PoolSnapshot | undefined, seconds: number): NodeSnapshot[] {
  if (!routing) return []
  return routing.replicas.map((replica) => {
    const node = replica.name.startsWith(`${poolName}/`) ? replica.name.slice(poolName.length + 1) : replica.name
    const lag = replica.lagMillis
    return {
      node,
      role: 'replica',
      database: replica.database,
      healthy: replica.healthy,
      reason: replica.reason ?? null,
      // JSON has no Infinity: a stopped replay is its own flag
      lagMillis: lag === undefined || !Number.isFinite(lag) ? null : lag,
      replayStopped: lag === Number.POSITIVE_INFINITY,
      totalConnections: replica.totalConnections,
      activeConnections: replica.activeConnections,
      reads: replica.reads,
      readsPerSecond: replicaReadsPerSecond(node, replica.reads, previous, seconds),
      breaker: breaker(replica.breaker),
    }
  })
}

function breaker(stats: BreakerStats | undefined): BreakerSnapshot | null {
  if (!stats) return null
  return {
    state: stats.state,
    since: stats.since,
    retryAfterMillis: stats.retryAfterMillis ?? null,
    consecutiveFailures: stats.consecutiveFailures,
    errorRate: stats.errorRate,
    opened: stats.opened,
    rejected: stats.rejected,
    lastError: stats.lastError === undefined ? null : clipText(stats.lastError),
  }
}

/** The pool's top statement fingerprints; none from a pool without a pattern tracker. */
function patterns(entry: RegisteredPool): PatternSnapshot[] {
  const tracker = entry.pool.patterns as RegisteredPool['pool']['patterns'] | undefined
  if (tracker === undefined) return []
  return tracker.frequent({ limit: PATTERNS_SHOWN }).map((p) => ({
    fingerprint: p.fingerprint.length > PATTERN_TEXT_CHARS ? `${p.fingerprint.slice(0, PATTERN_TEXT_CHARS - 1)}…` : p.fingerprint,
    operation: p.operation,
    kind: p.kind,
    tables: p.tables,
    count: p.count,
    ratePerSecond: p.ratePerSecond,
    meanMillis: p.meanMillis,
    p95Millis: p.p95Millis,
    errors: p.errors,
  }))
}
