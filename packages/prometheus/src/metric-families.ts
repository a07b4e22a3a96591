import type { HistogramSnapshot, NodeMetrics, PoolMetrics } from '@sluice/core'

export type Labels = Readonly<Record<string, string>>

/** One series sample of a gauge or counter, or one histogram (expanded to its `_bucket`, `_sum` and `_count` lines). */
export type Sample = readonly [labels: Labels, value: number] | readonly [labels: Labels, histogram: HistogramSnapshot]

/** One exported metric family: its name (without the prefix), type, help, and how to read its samples from a pool's metrics. */
export interface MetricFamily {
  readonly name: string
  readonly type: 'gauge' | 'counter' | 'histogram'
  readonly help: string
  readonly samples: (pool: PoolMetrics) => Iterable<Sample>
}

/** `node` is `primary`, or the replica's own part of its name (`replica-1`): the pool is in the `pool` label already. */
const nodeLabels = (pool: PoolMetrics, node: NodeMetrics): Labels => ({ pool: pool.pool, node: node.role === 'primary' ? 'primary' : node.node.slice(node.node.lastIndexOf('/') + 1) })

/** A sample per node, from what `value` reads of it (none where it gives undefined). */
function perNode(read: (node: NodeMetrics) => number | HistogramSnapshot | undefined): (pool: PoolMetrics) => Sample[] {
  return (pool) => {
    const samples: Sample[] = []
    for (const node of pool.nodes) {
      const value = read(node)
      if (value !== undefined) samples.push([nodeLabels(pool, node), value] as Sample)
    }
    return samples
  }
}

/** A sample per node and per key of the record `read` gives, the key under `label`. */
function perNodeAndKey(label: string, read: (node: NodeMetrics) => Readonly<Record<string, number>> | undefined): (pool: PoolMetrics) => Sample[] {
  return (pool) => pool.nodes.flatMap((node) => Object.entries(read(node) ?? {}).map(([key, value]) => [{ ...nodeLabels(pool, node), [label]: key }, value] as const))
}

const CONNECTION_STATES = ['active', 'idle', 'pending', 'creating', 'total', 'min', 'max'] as const
const BREAKER_STATES = ['closed', 'open', 'half-open'] as const
/** Health bands, by score: what `sluice_connections_by_health` counts. */
const HEALTH_BANDS: ReadonlyArray<readonly [band: string, within: (score: number) => boolean]> = [
  ['healthy', (score) => score >= 80],
  ['degraded', (score) => score >= 50 && score < 80],
  ['failing', (score) => score < 50],
]

/**
 * Every metric `registerPoolMetrics()` exports, named in Prometheus' way
 * (base units, `_total` counters, `_seconds` histograms) and after
 * HikariCP's where it has one (`hikaricp_connections_active` ->
 * `sluice_connections{state="active"}`, `hikaricp_connections_acquire_seconds`
 * -> `sluice_connection_acquire_seconds`). Labels: `pool` (the pool's name)
 * and `node` (`primary`, or `replica-N`).
 */
export const METRIC_FAMILIES: readonly MetricFamily[] = [
  {
    name: 'connections',
    type: 'gauge',
    help: 'Connections by state: active (lent), idle, pending (acquires waiting), creating (connects in flight), total (open), and the configured min and max.',
    samples: (pool) => pool.nodes.flatMap((node) => CONNECTION_STATES.map((state) => [{ ...nodeLabels(pool, node), state }, node.connections[state]] as const)),
  },
  { name: 'pool_size_target', type: 'gauge', help: 'Connections the pool keeps open: min, or the adaptive target.', samples: perNode((n) => n.sizing?.target) },
  { name: 'pool_size_ceiling', type: 'gauge', help: 'The most connections the pool may open: max, or less when the server has less room.', samples: perNode((n) => n.sizing?.ceiling) },
  { name: 'pool_size_changes_total', type: 'counter', help: 'Moves of the adaptive target.', samples: perNode((n) => n.sizing?.changes) },
  { name: 'connection_acquire_seconds', type: 'histogram', help: 'Time from asking for a connection to having it.', samples: perNode((n) => n.acquireSeconds) },
  { name: 'connection_usage_seconds', type: 'histogram', help: 'Time a borrower held a connection, from acquire to release.', samples: perNode((n) => n.usageSeconds) },
  { name: 'connection_creation_seconds', type: 'histogram', help: 'Time to open a connection (connect and onConnect).', samples: perNode((n) => n.creationSeconds) },
  { name: 'connection_timeouts_total', type: 'counter', help: 'Acquires that gave up after acquireTimeoutMillis.', samples: perNode((n) => n.acquireTimeouts) },
  { name: 'connections_created_total', type: 'counter', help: 'Connections opened.', samples: perNode((n) => n.connectionsCreated) },
  {
    name: 'connections_closed_total',
    type: 'counter',
    help: 'Connections closed, by reason: lifetime, idle, health, broken, destroyed, reset-failed, pool-closed.',
    samples: perNodeAndKey('reason', (n) => n.connectionsClosed),
  },
  {
    name: 'connections_failed_total',
    type: 'counter',
    help: 'Connects that failed, by reason: transient, a permanent one (auth, database, ...), or setup (onConnect failed).',
    samples: perNodeAndKey('reason', (n) => n.connectsFailed),
  },
  {
    name: 'connections_by_health',
    type: 'gauge',
    help: 'Open connections by health score: healthy (80-100), degraded (50-79), failing (below 50).',
    samples: (pool) =>
      pool.nodes.flatMap((node) =>
        HEALTH_BANDS.map(([band, within]) => [{ ...nodeLabels(pool, node), band }, node.healthScores.filter(within).length] as const),
      ),
  },
  {
    name: 'connection_health_score_min',
    type: 'gauge',
    help: 'Lowest health score (0-100) of the open connections.',
    samples: perNode((n) => (n.healthScores.length === 0 ? undefined : Math.min(...n.healthScores))),
  },
  { name: 'queries_total', type: 'counter', help: 'Statements run.', samples: perNode((n) => n.queries) },
  {
    name: 'query_duration_seconds',
    type: 'histogram',
    help: 'Statement duration by operation (SELECT, INSERT, ..., OTHER) and main table (the first tables seen up to patterns.tableLabels; the rest other, none without a table).',
    samples: (pool) => pool.nodes.flatMap((node) => node.queryDurations.map((d) => [{ ...nodeLabels(pool, node), operation: d.operation, table: d.table }, d.seconds] as const)),
  },
  {
    name: 'query_errors_total',
    type: 'counter',
    help: "Failed statements by class: sql (the statement's own error), transport (a broken connection), timeout (queryTimeoutMillis), breaker_open (refused by the node's open circuit breaker).",
    samples: perNodeAndKey('class', (n) => n.queryErrors),
  },
  { name: 'statement_cache_size', type: 'gauge', help: 'Prepared statements held by open connections.', samples: perNode((n) => n.statementCache.size) },
  { name: 'statement_cache_hits_total', type: 'counter', help: 'Prepared-statement cache hits.', samples: perNode((n) => n.statementCache.hits) },
  { name: 'statement_cache_misses_total', type: 'counter', help: 'Prepared-statement cache misses.', samples: perNode((n) => n.statementCache.misses) },
  { name: 'statement_cache_evictions_total', type: 'counter', help: 'Prepared statements evicted from a full cache.', samples: perNode((n) => n.statementCache.evictions) },
  { name: 'pipeline_batch_size', type: 'histogram', help: 'Statements per batch of the explicit pipelines and batches.', samples: perNode((n) => n.batchSizes) },
  {
    name: 'circuit_breaker_state',
    type: 'gauge',
    help: "The node's circuit breaker: 1 for its current state, 0 for the others.",
    samples: (pool) =>
      pool.nodes.flatMap((node) => (node.breaker ? BREAKER_STATES.map((state) => [{ ...nodeLabels(pool, node), state }, node.breaker!.state === state ? 1 : 0] as const) : [])),
  },
  {
    name: 'circuit_breaker_transitions_total',
    type: 'counter',
    help: 'Changes of the circuit breaker, by the state it went to.',
    samples: (pool) =>
      pool.nodes.flatMap((node) => {
        const b = node.breaker
        if (!b) return []
        const labels = nodeLabels(pool, node)
        return [
          [{ ...labels, to: 'open' }, b.opened],
          [{ ...labels, to: 'half-open' }, b.halfOpened],
          [{ ...labels, to: 'closed' }, b.closed],
        ] as const
      }),
  },
  {
    name: 'replica_lag_seconds',
    type: 'gauge',
    help: "The replica's replication lag at the router's last check; +Inf while replay is stopped.",
    samples: perNode((n) => n.replica?.lagSeconds),
  },
  { name: 'replica_in_rotation', type: 'gauge', help: '1 while the router sends reads to the replica, else 0.', samples: perNode((n) => (n.replica ? (n.replica.inRotation ? 1 : 0) : undefined)) },
  {
    name: 'routing_decisions_total',
    type: 'counter',
    help: 'Statements the router placed, by kind (read, write) and target (replica, primary); reads on the primary include fallbacks.',
    samples: (pool) =>
      pool.routing
        ? [
            [{ pool: pool.pool, kind: 'read', target: 'replica' }, pool.routing.readsToReplicas],
            [{ pool: pool.pool, kind: 'read', target: 'primary' }, pool.routing.readsToPrimary],
            [{ pool: pool.pool, kind: 'write', target: 'primary' }, pool.routing.writes],
          ]
        : [],
  },
  {
    name: 'routing_fallbacks_total',
    type: 'counter',
    help: 'Reads that failed on a replica (unreachable) and ran on the primary instead.',
    samples: (pool) => (pool.routing ? [[{ pool: pool.pool }, pool.routing.fallbacks]] : []),
  },
  { name: 'workflows_active', type: 'gauge', help: 'Workflow scopes running.', samples: (pool) => [[{ pool: pool.pool }, pool.workflows.active]] },
  { name: 'workflows_completed_total', type: 'counter', help: 'Workflow scopes completed.', samples: (pool) => [[{ pool: pool.pool }, pool.workflows.completed]] },
  {
    name: 'workflow_leaked_connections_total',
    type: 'counter',
    help: 'Connections a workflow still held when it completed, released by the pool.',
    samples: (pool) => [[{ pool: pool.pool }, pool.workflows.leakedConnectionsReleased]],
  },
]
