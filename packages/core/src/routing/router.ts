import type { ResolvedRoutingConfig } from '../config/routing-config.js'
import type { Lease } from '../connection/lease.js'
import type { ExecuteOptions, Params, PoolConnection } from '../connection/pool-connection.js'
import type { Dialect, QueryResult, StatementKind } from '../dialect.js'
import { CircuitOpenError } from '../errors/circuit-open-error.js'
import { PoolTimeoutError } from '../errors/pool-timeout-error.js'
import { QueryTimeoutError } from '../errors/query-timeout-error.js'
import type { NodeMetrics } from '../metrics/pool-metrics.js'
import type { BreakerStats } from '../resilience/breaker-stats.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { ReplicaFacts } from '../metrics/pool-health.js'
import type { Logger } from '../util/logger.js'
import { currentConsistencyScope, type ConsistencyScope } from './consistency-scope.js'
import { FunctionSafety } from './function-safety.js'
import { ReplicaNode } from './replica-node.js'
import { RoutedConnection } from './routed-connection.js'
import type { OpenReplica, RoutingNode } from './routing-node.js'
import { ScopeWriteTracker } from './scope-write-tracker.js'

/** Routing counters, all measured. */
export interface RoutingStats {
  readonly readsToReplicas: number
  readonly readsToPrimary: number
  readonly writes: number
  /** Reads that failed on a replica (unreachable) and were run on the primary instead. */
  readonly fallbacks: number
  readonly replicas: ReadonlyArray<{
    readonly name: string
    readonly database: string
    /** In the read rotation: its checks pass and its breaker is not open. */
    readonly healthy: boolean
    readonly reason: string | undefined
    readonly lagMillis: number | undefined
    readonly reads: number
    readonly totalConnections: number
    readonly activeConnections: number
    /** The replica's circuit breaker; undefined when `breaker: false`. */
    readonly breaker: BreakerStats | undefined
  }>
}

/**
 * Read/write routing, above the pools: owns the replicas (each a pool of its
 * own), sends each statement of `pool.query()` / `pool.execute()` where it
 * belongs (reads, as the dialect's classifier or the caller's hint says, to
 * a healthy replica that already shows the scope's writes; writes, unknown
 * statements and everything on a borrowed connection to the primary), and
 * hands out the `replica` and `auto` targets of `acquire()`. Measures each
 * replica on a timer and takes one out of rotation while it is down, not
 * replicating or behind `maxReplicaLagMillis`.
 */
export class Router {
  readonly #primary: RoutingNode
  readonly #dialect: Dialect<any>
  readonly #replicas: readonly ReplicaNode[]
  readonly #config: ResolvedRoutingConfig
  readonly #clock: Clock
  readonly #log: Logger
  readonly #functions: FunctionSafety
  #next = 0
  #timer: TimerHandle | undefined
  #running = false
  #readsToReplicas = 0
  #readsToPrimary = 0
  #writes = 0
  #fallbacks = 0

  constructor(primary: RoutingNode, replicas: ReadonlyArray<Dialect<any>>, openReplica: OpenReplica, config: ResolvedRoutingConfig, clock: Clock, log: Logger) {
    this.#primary = primary
    this.#dialect = primary.dialect
    this.#replicas = replicas.map((dialect, i) => new ReplicaNode(openReplica(dialect, `${primary.name}/replica-${i + 1}`)))
    this.#config = config
    this.#clock = clock
    this.#log = log
    const dialect = this.#dialect
    this.#functions = new FunctionSafety(config, dialect.judgeFunctions ? (calls) => this.#judgeFunctions(calls) : undefined, clock, log)
    // every statement on a primary lease, whoever borrowed it, can mark the scope it runs in
    primary.observeStatements(new ScopeWriteTracker({ dialect: this.#dialect, config, clock, log, kindOf: (sql, hint) => this.kindOf(sql, hint) }))
  }

  /** Opens each replica's `min` and measures them before the first read is routed (a replica that fails is logged, not fatal), then keeps checking on a timer. */
  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    await Promise.all(
      this.#replicas.map((replica) =>
        replica.pool.ready().catch((error: unknown) => this.#log('warn', `replica ${replica.name} is not reachable yet: ${errorMessage(error)}`, { replica: replica.name, error }, 'routing')),
      ),
    )
    await this.checkReplicas()
    this.#schedule()
  }

  /** Stops the checks and closes every replica's pool. */
  async close(timeoutMillis?: number): Promise<void> {
    this.#running = false
    if (this.#timer) this.#clock.clearTimeout(this.#timer)
    await Promise.all(this.#replicas.map((replica) => replica.pool.close(timeoutMillis)))
  }

  async checkReplicas(): Promise<void> {
    await Promise.all(
      this.#replicas.map(async (replica) => {
        const was = replica.healthy
        await replica.check(this.#config.maxReplicaLagMillis)
        if (was !== replica.healthy) {
          this.#log(replica.healthy ? 'info' : 'warn', `replica ${replica.name} ${replica.healthy ? 'is back in rotation' : `left the rotation: ${replica.reason}`}`)
        }
      }),
    )
  }

  /**
   * Where a statement goes, from what is known now: the caller's hint, else
   * the classifier's word with its functions judged; primary when unsure. A
   * function nobody has judged yet makes it `unknown` this time and is asked
   * about in the background, for the next statement that calls it.
   */
  kindOf(sql: string, hint: StatementKind | undefined): StatementKind {
    if (hint !== undefined) return hint
    const analysis = this.#dialect.analyze?.(sql)
    if (analysis === undefined) return this.#dialect.classify?.(sql) ?? 'unknown'
    const unjudged = this.#functions.unjudged(analysis)
    if (unjudged.length > 0) void this.#functions.ask(unjudged)
    return this.#functions.kindNow(analysis)
  }

  /** Where a statement goes, asking the database first about functions nobody has judged yet. */
  async classify(sql: string, hint: StatementKind | undefined): Promise<StatementKind> {
    if (hint !== undefined) return hint
    const analysis = this.#dialect.analyze?.(sql)
    if (analysis === undefined) return this.#dialect.classify?.(sql) ?? 'unknown'
    return this.#functions.kind(analysis)
  }

  /** Runs one statement where it belongs; `kind` when the caller already classified it. */
  async execute<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, given?: StatementKind): Promise<QueryResult<R>> {
    const kind = given ?? (await this.classify(sql, options?.hint))
    // the classifier's word travels down, so the node does not tokenize the statement again
    const classified = options?.hint === undefined ? kind : undefined
    const scope = currentConsistencyScope()
    if (kind === 'read') return this.#read<R>(sql, params, options, classified, scope)
    this.#writes++
    if (!scope) return this.#primary.execute<R>(sql, params, options, classified)
    // on a lease of its own (never pipelined), so that the scope's tracker sees the write and reads its position there
    const lease = await this.#primary.acquireLease()
    try {
      return await lease.execute<R>(sql, params, { ...options, hint: kind })
    } finally {
      if (!lease.released) lease.release()
    }
  }

  /** `acquire({ target })`: a healthy replica's connection (else the primary's), or a handle that routes statement by statement. */
  acquire(target: 'replica' | 'auto', workflowId: string | undefined): Promise<PoolConnection> {
    if (target === 'replica') return this.replicaLease() ?? this.#primary.acquireLease(workflowId)
    return Promise.resolve(
      new RoutedConnection({
        execute: (sql, params, options, kind) => this.execute(sql, params, options, kind),
        acquirePrimary: () => this.#primary.acquireLease(workflowId),
        classify: (sql, hint) => this.kindOf(sql, hint),
      }),
    )
  }

  /** A connection of a healthy replica; undefined when none is healthy. */
  replicaLease(): Promise<Lease> | undefined {
    return this.#replicas.find((r) => r.inRotation)?.pool.acquireLease()
  }

  /** Each replica's side of `pool.health()`: the state of the last check, and with `ping` a live ping of each (at once). */
  replicaFacts(ping: boolean): Promise<ReplicaFacts[]> {
    return Promise.all(this.#replicas.map(async (replica) => {
      const pinged = ping ? await replica.pool.ping() : {}
      const counts = replica.pool.connectionCounts()
      return {
        ...pinged,
        name: replica.name,
        inRotation: replica.inRotation,
        reason: replica.healthy && !replica.inRotation ? 'circuit breaker open' : replica.reason,
        breaker: replica.pool.breaker?.state ?? 'off',
        lagMillis: replica.lagMillis,
        totalConnections: counts.total,
        activeConnections: counts.active,
      }
    }))
  }

  stats(): RoutingStats {
    return {
      readsToReplicas: this.#readsToReplicas,
      readsToPrimary: this.#readsToPrimary,
      writes: this.#writes,
      fallbacks: this.#fallbacks,
      replicas: this.#replicas.map((replica) => {
        const counts = replica.pool.connectionCounts()
        return {
          name: replica.name,
          database: replica.pool.dialect.description,
          healthy: replica.inRotation,
          reason: replica.healthy && !replica.inRotation ? 'circuit breaker open' : replica.reason,
          lagMillis: replica.lagMillis,
          reads: replica.reads,
          totalConnections: counts.total,
          activeConnections: counts.active,
          breaker: replica.pool.breaker?.stats(),
        }
      }),
    }
  }

  /** Each replica's instruments, with what the router knows of it. */
  replicaMetrics(): NodeMetrics[] {
    return this.#replicas.map((replica) => ({
      ...replica.pool.metrics('replica'),
      replica: {
        inRotation: replica.inRotation,
        lagSeconds: replica.lagMillis === undefined ? undefined : replica.lagMillis / 1000,
        reads: replica.reads,
      },
    }))
  }

  async #read<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, classified: StatementKind | undefined, scope: ConsistencyScope | undefined): Promise<QueryResult<R>> {
    const replica = await this.#pick(scope)
    if (replica) {
      try {
        const result = await replica.pool.execute<R>(sql, params, options, classified)
        replica.reads++
        this.#readsToReplicas++
        return result
      } catch (error) {
        if (!replicaFailed(replica, error)) throw error
        // the replica failed, not the statement: a read is safe to run again on the primary
        if (!(error instanceof CircuitOpenError)) {
          // an open breaker already keeps it out of the rotation
          replica.takeOut(errorMessage(error))
          this.#log('warn', `replica ${replica.name} failed a read (${replica.reason}); reading from the primary`, { replica: replica.name, reason: replica.reason }, 'routing')
        }
        this.#fallbacks++
      }
    }
    this.#readsToPrimary++
    return this.#primary.execute<R>(sql, params, options, classified)
  }

  /** The database's word on functions, asked on a primary connection. */
  async #judgeFunctions(calls: Parameters<NonNullable<Dialect<any>['judgeFunctions']>>[1]): Promise<ReadonlyMap<string, 'safe' | 'unsafe'>> {
    const dialect = this.#dialect
    const lease = await this.#primary.acquireLease()
    try {
      return await lease.entry.run((raw) => dialect.judgeFunctions!(raw, calls))
    } finally {
      if (!lease.released) lease.release()
    }
  }

  /** A replica for a read in `scope`, or undefined for the primary. */
  async #pick(scope: ConsistencyScope | undefined): Promise<ReplicaNode | undefined> {
    const healthy = this.#replicas.filter((replica) => replica.inRotation)
    if (healthy.length === 0) return undefined
    if (!scope || scope.wroteAt === undefined || this.#config.readYourWrites === 'off') return this.#choose(healthy)
    const written = scope.writePosition
    const reached = this.#dialect.positionReached
    if (written === undefined || !reached) {
      // no position to compare: keep the scope on the primary for the window
      return this.#clock.now() - scope.wroteAt < this.#config.readYourWritesWindowMillis ? undefined : this.#choose(healthy)
    }
    const caughtUp = healthy.filter((replica) => replica.replayed !== undefined && reached(replica.replayed, written))
    if (caughtUp.length > 0) return this.#choose(caughtUp)
    // the last check predates the write: ask one replica where it stands now
    const candidate = this.#choose(healthy)
    try {
      const replayed = await candidate.refreshPosition()
      return replayed !== undefined && reached(replayed, written) ? candidate : undefined
    } catch {
      return undefined
    }
  }

  #choose(replicas: readonly ReplicaNode[]): ReplicaNode {
    if (this.#config.strategy === 'least-busy') {
      let best = replicas[0]!
      let bestLoad = Number.POSITIVE_INFINITY
      for (const replica of replicas) {
        const load = replica.pool.load()
        if (load < bestLoad) {
          best = replica
          bestLoad = load
        }
      }
      return best
    }
    return replicas[this.#next++ % replicas.length]!
  }

  #schedule(): void {
    // upkeep nobody waits on: it never keeps the process alive
    this.#timer = this.#clock.setTimeout(
      () => {
        if (!this.#running) return
        this.checkReplicas()
          .catch((error: unknown) => this.#log('error', 'replica check failed', { error }, 'routing'))
          .finally(() => {
            if (this.#running) this.#schedule()
          })
      },
      this.#config.replicaCheckIntervalMillis,
      'background',
    )
  }
}

/** The replica, not the statement, failed: unreachable, timed out, broken, or its breaker open. */
function replicaFailed(replica: ReplicaNode, error: unknown): boolean {
  return error instanceof PoolTimeoutError || error instanceof QueryTimeoutError || error instanceof CircuitOpenError || replica.pool.dialect.isFatal(error)
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
