import type { PoolSnapshot } from '../collect/snapshot.js'

/** One exported metric: its Prometheus type and how to read its samples from a pool's snapshot. */
export interface StatsMetric {
  readonly name: string
  readonly help: string
  readonly type: 'gauge' | 'counter'
  readonly labelNames: readonly string[]
  readonly samples: (pool: PoolSnapshot) => ReadonlyArray<readonly [labels: Record<string, string>, value: number]>
}

type Sample = readonly [Record<string, string>, number]
const primary = (pool: PoolSnapshot, value: number): Sample[] => [[{ pool: pool.name, node: 'primary' }, value]]
const perNode = (pool: PoolSnapshot, value: (node: PoolSnapshot['nodes'][number]) => number): Sample[] =>
  pool.nodes.map((node) => [{ pool: pool.name, node: node.node }, value(node)] as const)
const replicas = (pool: PoolSnapshot) => pool.nodes.filter((node) => node.role === 'replica')
const POOL_NODE = ['pool', 'node'] as const

/**
 * What `/metrics` serves until `@sluice/prometheus` exists: the gauges and
 * counters `stats()` and `routingStats()` give, named after HikariCP's
 * (`hikaricp_connections_active` -> `sluice_connections_active`). The latency
 * figures are the engine's mean and recent p99, not histograms: they do not
 * aggregate across instances.
 */
export const STATS_METRICS: readonly StatsMetric[] = [
  { name: 'sluice_connections_active', help: 'Connections lent to a borrower.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => perNode(p, (n) => n.activeConnections) },
  { name: 'sluice_connections_total', help: 'Open connections.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => perNode(p, (n) => n.totalConnections) },
  { name: 'sluice_connections_idle', help: 'Idle connections ready to lend.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.connections.idle) },
  { name: 'sluice_connections_pending', help: 'Acquires waiting for a connection.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.connections.pendingAcquires) },
  { name: 'sluice_connections_creating', help: 'Connections being opened.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.connections.pendingCreates) },
  { name: 'sluice_connections_min', help: 'Configured minimum of open connections.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.min) },
  { name: 'sluice_connections_max', help: 'Configured maximum of open connections.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.max) },
  {
    name: 'sluice_connection_health_score_min',
    help: 'Lowest health score (0-100) of the open connections.',
    type: 'gauge',
    labelNames: POOL_NODE,
    samples: (p) => (p.health.length === 0 ? [] : primary(p, Math.min(...p.health.map((h) => h.score)))),
  },
  { name: 'sluice_pool_size_target', help: 'Connections the pool keeps open: min, or the adaptive target.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => (p.sizing ? primary(p, p.sizing.target) : []) },
  { name: 'sluice_pool_size_ceiling', help: 'The most connections the pool may open: max, or less when the server has less room.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => (p.sizing ? primary(p, p.sizing.ceiling) : []) },
  { name: 'sluice_pool_size_changes_total', help: 'Moves of the adaptive target.', type: 'counter', labelNames: POOL_NODE, samples: (p) => (p.sizing ? primary(p, p.sizing.changes) : []) },
  { name: 'sluice_connections_created_total', help: 'Connections opened.', type: 'counter', labelNames: POOL_NODE, samples: (p) => primary(p, p.totals.connectionsCreated) },
  {
    name: 'sluice_connections_recycled_total',
    help: 'Connections closed for lifetime, idleness, low health or a fatal error.',
    type: 'counter',
    labelNames: POOL_NODE,
    samples: (p) => primary(p, p.totals.connectionsRecycled),
  },
  { name: 'sluice_connections_failed_total', help: 'Connect attempts that failed.', type: 'counter', labelNames: POOL_NODE, samples: (p) => primary(p, p.totals.connectsFailed) },
  { name: 'sluice_connections_timeout_total', help: 'Acquires that gave up waiting.', type: 'counter', labelNames: POOL_NODE, samples: (p) => primary(p, p.totals.acquireTimeouts) },
  { name: 'sluice_queries_total', help: 'Statements executed.', type: 'counter', labelNames: POOL_NODE, samples: (p) => primary(p, p.totals.executed) },
  { name: 'sluice_query_errors_total', help: 'Statements that failed.', type: 'counter', labelNames: POOL_NODE, samples: (p) => primary(p, p.totals.errors) },
  { name: 'sluice_acquire_wait_mean_seconds', help: 'Mean acquire wait since the pool started.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.acquireWait.avgMillis / 1000) },
  { name: 'sluice_acquire_wait_p99_seconds', help: '99th percentile of the recent acquire waits.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.acquireWait.p99Millis / 1000) },
  { name: 'sluice_query_duration_mean_seconds', help: 'Mean statement time since the pool started.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.queryTime.avgMillis / 1000) },
  { name: 'sluice_query_duration_p99_seconds', help: '99th percentile of the recent statement times.', type: 'gauge', labelNames: POOL_NODE, samples: (p) => primary(p, p.queryTime.p99Millis / 1000) },
  {
    name: 'sluice_statement_cache_size',
    help: 'Prepared statements held by open connections.',
    type: 'gauge',
    labelNames: POOL_NODE,
    samples: (p) => (p.statementCache ? primary(p, p.statementCache.size) : []),
  },
  {
    name: 'sluice_statement_cache_hits_total',
    help: 'Statement-cache hits.',
    type: 'counter',
    labelNames: POOL_NODE,
    samples: (p) => (p.statementCache ? primary(p, p.statementCache.hits) : []),
  },
  {
    name: 'sluice_statement_cache_misses_total',
    help: 'Statement-cache misses.',
    type: 'counter',
    labelNames: POOL_NODE,
    samples: (p) => (p.statementCache ? primary(p, p.statementCache.misses) : []),
  },
  {
    name: 'sluice_statement_cache_evictions_total',
    help: 'Prepared statements evicted from a full cache.',
    type: 'counter',
    labelNames: POOL_NODE,
    samples: (p) => (p.statementCache ? primary(p, p.statementCache.evictions) : []),
  },
  { name: 'sluice_workflows_active', help: 'Workflow scopes running.', type: 'gauge', labelNames: ['pool'], samples: (p) => [[{ pool: p.name }, p.workflows.active]] },
  { name: 'sluice_workflows_completed_total', help: 'Workflow scopes completed.', type: 'counter', labelNames: ['pool'], samples: (p) => [[{ pool: p.name }, p.workflows.completed]] },
  {
    name: 'sluice_workflow_leaked_connections_total',
    help: 'Connections a workflow still held when it completed, released by the pool.',
    type: 'counter',
    labelNames: ['pool'],
    samples: (p) => [[{ pool: p.name }, p.workflows.leakedConnectionsReleased]],
  },
  {
    name: 'sluice_replica_healthy',
    help: '1 while the replica is in rotation, else 0.',
    type: 'gauge',
    labelNames: POOL_NODE,
    samples: (p) => replicas(p).map((n) => [{ pool: p.name, node: n.node }, n.healthy ? 1 : 0] as const),
  },
  {
    name: 'sluice_replica_lag_seconds',
    help: 'Replica lag at its last check; +Inf while replay is stopped.',
    type: 'gauge',
    labelNames: POOL_NODE,
    samples: (p) =>
      replicas(p).flatMap((n) =>
        n.replayStopped ? [[{ pool: p.name, node: n.node }, Number.POSITIVE_INFINITY] as const] : n.lagMillis === null ? [] : [[{ pool: p.name, node: n.node }, n.lagMillis / 1000] as const],
      ),
  },
  {
    name: 'sluice_replica_reads_total',
    help: 'Reads the router sent to the replica.',
    type: 'counter',
    labelNames: POOL_NODE,
    samples: (p) => replicas(p).map((n) => [{ pool: p.name, node: n.node }, n.reads ?? 0] as const),
  },
  {
    name: 'sluice_routing_decisions_total',
    help: 'Statements the router placed: reads on a replica or the primary, writes, and reads that fell back to the primary.',
    type: 'counter',
    labelNames: ['pool', 'decision'],
    samples: (p) =>
      p.routing
        ? [
            [{ pool: p.name, decision: 'read_replica' }, p.routing.readsToReplicas],
            [{ pool: p.name, decision: 'read_primary' }, p.routing.readsToPrimary],
            [{ pool: p.name, decision: 'write' }, p.routing.writes],
            [{ pool: p.name, decision: 'fallback' }, p.routing.fallbacks],
          ]
        : [],
  },
]
