import type { Lease, StatementObserver } from '../connection/lease.js'
import type { ExecuteOptions, Params } from '../connection/pool-connection.js'
import type { Dialect, QueryResult, StatementKind } from '../dialect.js'
import type { PingOutcome } from '../metrics/pool-health.js'
import type { NodeMetrics } from '../metrics/pool-metrics.js'
import type { CircuitBreaker } from '../resilience/circuit-breaker.js'

/**
 * A pool as routing sees it: the primary's, or one replica's. The engine's
 * `ConnectionPool` is one; routing never imports it, so the floors go one
 * way (routing above the pool).
 */
export interface RoutingNode {
  readonly name: string
  readonly dialect: Dialect<any>
  /** The node's circuit breaker (undefined when off): an open one takes a replica out of the read rotation. */
  readonly breaker: CircuitBreaker | undefined
  /**
   * Runs one statement on a connection borrowed for it alone (pipelined where
   * the node pipelines). `classified`: the classifier's word on it, so the
   * node need not work it out again.
   */
  execute<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, classified?: StatementKind): Promise<QueryResult<R>>
  /** Borrows a connection: the engine's own handle, whose actor runs position queries. */
  acquireLease(workflowId?: string): Promise<Lease>
  /** Tells `observer` of every statement borrowers run on the node's leases (the primary's: read-your-writes). */
  observeStatements(observer: StatementObserver): void
  /** Connections lent or held plus acquires waiting (for `least-busy`). */
  load(): number
  connectionCounts(): { readonly total: number; readonly active: number }
  /** The node's instruments (see `pool.metrics()`). */
  metrics(role: NodeMetrics['role']): NodeMetrics
  ready(): Promise<void>
  close(timeoutMillis?: number): Promise<void>
  /** Runs the health-check statement within its timeout, for `health({ ping: true })`; never rejects. */
  ping(): Promise<PingOutcome>
}

/** Opens the pool of one replica; the router names it and owns it from then on. */
export type OpenReplica = (dialect: Dialect<any>, name: string) => RoutingNode
