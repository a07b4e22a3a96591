import type { ResolvedPoolConfig } from '../config/pool-config.js'
import type { Lease, LeaseHost, StatementObserver } from '../connection/lease.js'
import type { ExecuteOptions, Params, QueryOptions, Row } from '../connection/pool-connection.js'
import { shapeRows } from '../connection/shape-rows.js'
import type { Dialect, QueryResult, ServerRoom, StatementKind } from '../dialect.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import { PoolTimeoutError } from '../errors/pool-timeout-error.js'
import { Housekeeper } from '../housekeeping/housekeeper.js'
import { PoolCounters } from '../metrics/pool-counters.js'
import type { PingOutcome, PrimaryFacts } from '../metrics/pool-health.js'
import type { PoolStats } from '../metrics/pool-stats.js'
import { WorkloadLearning } from '../learning/workload-learning.js'
import { HealthCheckTimeoutError } from '../errors/health-check-timeout-error.js'
import { withTimeout } from '../util/with-timeout.js'
import type { NodeMetrics } from '../metrics/pool-metrics.js'
import type { StatementCatalog } from '../metrics/statement-catalog.js'
import { ImplicitPipeliner, type ImplicitPipelinerHost } from '../pipeline/implicit-pipeliner.js'
import type { BreakerTransition } from '../resilience/breaker-stats.js'
import { CircuitBreaker } from '../resilience/circuit-breaker.js'
import type { Clock } from '../util/clock.js'
import { nextTurn, starvingEventLoop } from '../util/event-loop-turn.js'
import type { Logger } from '../util/logger.js'
import { TypedEmitter } from '../util/typed-emitter.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'
import type { WorkflowTracker } from '../workflow/workflow-tracker.js'
import { ConnectionBag } from './connection-bag.js'
import { ConnectionLifecycle } from './connection-lifecycle.js'
import type { PoolEvents } from './pool-events.js'

/** What `stats()` of one pool reports; the facade adds the workflows. */
export type ConnectionPoolStats = Omit<PoolStats, 'workflows'>

/** What a node shares with the pool it belongs to. */
export interface NodeShared {
  /** The tracker that attributes acquires to workflow scopes (the primary's); none for a replica. */
  readonly workflows: WorkflowTracker | undefined
  /** The pool-wide statement shapes and pattern tracker, fed by every node. */
  readonly statements: StatementCatalog | undefined
}

/**
 * The connections of one database node (HikariCP's HikariPool): the primary,
 * or one replica. Lends first-come first-served from its bag, opens lazily
 * up to `max` through its lifecycle, lets the housekeeper recycle, and runs
 * `execute()` on a connection borrowed for that statement alone (pipelined
 * on a busy one where implicit pipelining allows). The router and the
 * pipelines use it through their own small interfaces; users hold the
 * `Pool` facade.
 */
export class ConnectionPool {
  readonly config: ResolvedPoolConfig
  readonly name: string
  readonly dialect: Dialect<any>
  readonly clock: Clock
  readonly log: Logger
  readonly counters: PoolCounters
  readonly events: TypedEmitter<PoolEvents>
  /** What explicit and implicit pipelines reach of this pool. */
  readonly pipelineHost: ImplicitPipelinerHost
  /** This node's circuit breaker; undefined when `breaker: false`. */
  readonly breaker: CircuitBreaker | undefined
  /** Leases lent while the breaker was half-open: each holds one of its permits until given back. */
  readonly #permitted = new Set<Lease>()
  readonly #bag: ConnectionBag
  readonly #lifecycle: ConnectionLifecycle
  readonly #housekeeper: Housekeeper
  readonly #workflows: WorkflowTracker | undefined
  /** The workload forecast and adaptive sizing (the primary's, when learning is on). */
  readonly learning: WorkloadLearning | undefined
  /** Set when `implicitPipelining` is on and the dialect can pipeline. */
  readonly #pipeliner: ImplicitPipeliner | undefined
  /**
   * The hosts that hand the router's observer to leases and pipelines, as a
   * plain data property set by `observeStatements()`. Not a getter: V8 makes
   * an object literal with an accessor a dictionary-mode object, and then
   * every `host.x` a lease or a pipeline reads (the release, each statement)
   * is a generic property lookup instead of an inlined load.
   */
  readonly #observed: Array<{ observer: StatementObserver | undefined }>
  #started = false
  #closed = false
  #closePromise: Promise<void> | undefined

  /**
   * `shared.workflows`: the tracker that attributes acquires to workflow scopes
   * (the primary's); none for a replica, which also learns nothing (its size is fixed).
   */
  constructor(config: ResolvedPoolConfig, log: Logger, shared: NodeShared) {
    this.config = config
    this.name = config.name
    this.dialect = config.dialect
    this.clock = config.clock
    this.log = log
    this.#workflows = shared.workflows
    this.counters = new PoolCounters(shared.statements)
    this.events = new TypedEmitter((event, error) => log('error', `a '${event}' listener threw`, { error }))
    this.breaker =
      config.breaker &&
      new CircuitBreaker(config.breaker, {
        node: config.name,
        clock: config.clock,
        probe: () => this.#lifecycle.probe().catch(() => false),
        transitioned: (transition) => this.#breakerTransitioned(transition),
      })
    // the router sets the observer after this pool is built (observeStatements())
    const leaseHost: LeaseHost & { observer: StatementObserver | undefined } = {
      name: config.name,
      dialect: config.dialect,
      clock: config.clock,
      counters: this.counters,
      breaker: this.breaker,
      queryTimeoutMillis: config.queryTimeoutMillis,
      giveBack: (lease, destroy) => {
        if (this.#permitted.size > 0 && this.#permitted.delete(lease)) this.breaker?.releasePermit()
        this.#lifecycle.giveBack(lease, destroy)
      },
      inTransaction: (entry) => this.#lifecycle.inTransaction(entry),
      observer: undefined,
    }
    this.#bag = new ConnectionBag({
      clock: config.clock,
      acquireTimeoutMillis: config.acquireTimeoutMillis,
      healthThreshold: config.healthThreshold,
      counters: this.counters,
      events: this.events,
      leaseHost,
      retire: (entry, reason) => this.#lifecycle.retire(entry, reason),
      timeoutError: (waited) => new PoolTimeoutError(config.name, waited, this.#bag.snapshot(config.max), this.#lifecycle.lastCreateError, config.dialect.description),
      keepProcessAlive: config.allowExitOnIdle ? keepProcessAliveOf(config.dialect) : undefined,
    })
    this.learning =
      shared.workflows === undefined || config.learning === undefined
        ? undefined
        : new WorkloadLearning({
            config,
            log,
            arrivals: () => this.counters.acquireWait.count + this.counters.acquireTimeouts,
            demand: () => this.#bag.load(),
            takePeakDemand: () => this.#bag.takePeakLoad(),
            open: () => this.#bag.total + this.#lifecycle.creating,
            readServerRoom: () => this.#lifecycle.readServerRoom(),
            resized: (change) => {
              log('info', `adaptive size ${change.from} -> ${change.to} (${change.reason})`)
              this.events.emit('resize', change)
              // a larger target opens now; a smaller one waits for idle connections to age out
              if (change.to > change.from) this.#lifecycle.dispatch()
            },
          })
    const learning = this.learning
    this.#lifecycle = new ConnectionLifecycle({
      config,
      clock: config.clock,
      log,
      counters: this.counters,
      events: this.events,
      bag: this.#bag,
      breaker: this.breaker,
      started: () => this.#started,
      closed: () => this.#closed,
      floor: learning ? () => learning.floor() : () => config.min,
      ceiling: learning ? () => learning.ceiling() : () => config.max,
      afterConnect: learning && config.dialect.serverRoom ? (raw) => (learning.roomDue ? learning.readServerRoom(() => this.#roomOn(raw)) : undefined) : undefined,
    })
    this.#housekeeper = new Housekeeper({
      config,
      idleConnections: () => this.#bag.idleEntries(),
      activeLeases: () => this.#bag.activeLeases(),
      totalConnections: () => this.#bag.total,
      retire: (entry, reason) => this.#lifecycle.retire(entry, reason),
      checkHealth: (entry) => void this.#lifecycle.checkHealth(entry),
      reportLeak: (lease, held) => {
        log('warn', `connection ${lease.id} has been held for ${Math.round(held)}ms; possible leak. Acquired at:\n${lease.acquireStack ?? '(no stack)'}`, { connectionId: lease.id, heldMs: Math.round(held) }, 'housekeeping')
      },
      floor: learning ? () => learning.floor() : () => config.min,
      idleMillis: learning ? () => learning.idleMillis : () => config.maxIdleMillis,
      adapt: learning ? () => learning.tick() : () => {},
      replenish: () => this.#lifecycle.dispatch(),
      log,
    })
    const pipelineHost: ImplicitPipelinerHost & { observer: StatementObserver | undefined } = {
      name: config.name,
      dialect: config.dialect,
      clock: config.clock,
      counters: this.counters,
      breaker: this.breaker,
      queryTimeoutMillis: config.queryTimeoutMillis,
      maxConnections: config.max,
      log,
      acquire: () => this.acquireLease(),
      load: () => this.#bag.load(),
      waiting: () => this.#bag.waiting,
      idle: () => this.#bag.idle,
      closed: () => this.#closed,
      observer: undefined,
    }
    this.pipelineHost = pipelineHost
    this.#observed = [leaseHost, pipelineHost]
    this.#pipeliner = ImplicitPipeliner.create(this.pipelineHost, config.implicitPipelining)
  }

  get closed(): boolean {
    return this.#closed
  }

  /** True when `execute()` may pipeline statements (implicit pipelining is on and the dialect can). */
  get pipelines(): boolean {
    return this.#pipeliner !== undefined
  }

  /** Tells `observer` of every statement borrowers run on this pool's leases from now on. */
  observeStatements(observer: StatementObserver): void {
    for (const host of this.#observed) host.observer = observer
  }

  /** Opens `min` connections and resolves when they are open; rejects with the connect error while the database cannot be reached. */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.name, 'get ready'))
    if (!this.#started) this.#start()
    return this.#lifecycle.warmUp()
  }

  /**
   * Borrows a connection, waiting up to `acquireTimeoutMillis` in FIFO order:
   * the engine's own handle, which users see as a `PoolConnection`.
   * `workflowId` names the workflow scope it belongs to (else the one of the
   * async context).
   */
  acquireLease(workflowId?: string): Promise<Lease> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.name, 'acquire'))
    const breaker = this.breaker
    if (breaker !== undefined && breaker.state !== 'closed') {
      if (!breaker.admit()) {
        this.counters.queryErrorsByClass.breaker_open++
        return Promise.reject(breaker.rejection())
      }
      return this.#borrowOnTrial(breaker, workflowId)
    }
    return this.#borrow(workflowId)
  }

  /** Borrows while the breaker is half-open, holding one of its permits until the lease comes back. */
  async #borrowOnTrial(breaker: CircuitBreaker, workflowId: string | undefined): Promise<Lease> {
    try {
      const lease = await this.#borrow(workflowId)
      this.#permitted.add(lease)
      return lease
    } catch (error) {
      breaker.releasePermit()
      throw error
    }
  }

  #borrow(workflowId: string | undefined): Promise<Lease> {
    const lent = this.#lendOrWait(workflowId)
    return lent instanceof Promise ? lent : Promise.resolve(lent)
  }

  /** An idle connection lent now, or the wait for one: the statement path takes the first without a promise or a microtask hop. */
  #lendOrWait(workflowId: string | undefined): Lease | Promise<Lease> {
    if (!this.#started) this.#start()
    let scope
    try {
      scope = this.#workflows?.current(workflowId)
    } catch (error) {
      return Promise.reject(error)
    }
    // captured here, synchronously, so the stack names the caller even when the connection comes later
    const stack = this.config.leakDetectionThresholdMillis > 0 ? new Error('acquired here').stack : undefined
    const lease = this.#bag.lendIdle(scope, stack)
    if (lease) return lease
    return scope === undefined && stack === undefined ? new Promise<Lease>(this.#enqueue) : this.#waitKeeping(scope, stack)
  }

  /**
   * A waiting acquire that keeps a workflow scope or a stack: its executor
   * carries them. In a method of its own, so that `#lendOrWait()` captures
   * nothing and allocates no context on the way to an idle connection.
   */
  #waitKeeping(scope: WorkflowScope | undefined, stack: string | undefined): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      this.#bag.wait(resolve, reject, this.clock.now(), scope, stack)
      this.#lifecycle.dispatch()
    })
  }

  /**
   * The executor of a waiting acquire with no workflow scope and no stack to
   * keep (the common case): one function for the pool, so that a wait
   * allocates no closure and no context for it. The wait starts at the
   * clock reading taken here, as in `#waitKeeping()`.
   */
  readonly #enqueue = (resolve: (lease: Lease) => void, reject: (error: unknown) => void): void => {
    this.#bag.wait(resolve, reject, this.clock.now(), undefined, undefined)
    this.#lifecycle.dispatch()
  }

  /**
   * Runs one statement on a connection borrowed for it alone, pipelined on a
   * busy connection where implicit pipelining allows. `classified` is the
   * classifier's word on it when the router already asked (so nothing is
   * worked out twice).
   */
  execute<R = Row>(sql: string, params?: Params, options?: ExecuteOptions, classified?: StatementKind): Promise<QueryResult<R>> {
    return this.#run(sql, params, options, classified, wholeResult, true) as Promise<QueryResult<R>>
  }

  /** `execute()` shaped by `fetch` as `pool.query()` returns it, in the same one async step. */
  query(sql: string, params: Params | undefined, options: QueryOptions | undefined): Promise<unknown> {
    return this.#run(sql, params, options, undefined, shapeRows, false)
  }

  /**
   * Borrow, run, give back, shape. With a synchronous driver (`Dialect.runNow`)
   * and an idle connection, all of it in one synchronous step, no promise
   * until the answer; else one async step (borrow or pipeline, run, give back).
   * `withFields`: the caller returns `fields` (else the dialect may skip them).
   */
  #run<T>(
    sql: string,
    params: Params | undefined,
    options: QueryOptions | undefined,
    classified: StatementKind | undefined,
    shape: (result: QueryResult, options: QueryOptions | undefined) => T,
    withFields: boolean,
  ): Promise<T> {
    if (this.config.dialect.runNow === undefined) return this.#runThen(sql, params, options, shape) ?? this.#runLater(sql, params, options, classified, shape)
    // a synchronous driver that has held the event loop too long yields before borrowing, not holding a connection
    if (starvingEventLoop()) return nextTurn().then(() => this.#run(sql, params, options, classified, shape, withFields))
    // a closed pool or a breaker that is not closed takes acquireLease()'s checks on the ordinary way
    if (this.#closed || (this.breaker !== undefined && this.breaker.state !== 'closed')) return this.#runLater(sql, params, options, classified, shape)
    const lease = this.#lendOrWait(undefined)
    if (lease instanceof Promise) return lease.then((lent) => this.#finish(lent, sql, params, options, shape))
    let result: QueryResult | undefined
    try {
      result = lease.executeNow(sql, params, options, withFields)
    } catch (error) {
      lease.release()
      return Promise.reject(error)
    }
    if (result === undefined) return this.#finish(lease, sql, params, options, shape)
    lease.release()
    return Promise.resolve(shape(result, options))
  }

  /**
   * The common case of an asynchronous driver in one promise, the
   * dialect's (`Dialect.runThen`): an idle connection lent at once, the
   * statement sent, and in the dialect's answer the statement rule, the
   * give-back and `shape`. Undefined, having done nothing, when anything
   * asks for more: no idle connection (the pipeliner or a wait), a closed
   * pool or a breaker that is not closed, a timeout to arm, an observer
   * (routing) to tell.
   */
  #runThen<T>(sql: string, params: Params | undefined, options: QueryOptions | undefined, shape: (result: QueryResult, options: QueryOptions | undefined) => T): Promise<T> | undefined {
    if (this.dialect.runThen === undefined || this.pipelineHost.observer !== undefined || this.#closed || this.#bag.idle === 0) return undefined
    if (this.breaker !== undefined && this.breaker.state !== 'closed') return undefined
    if ((options?.timeoutMillis ?? this.config.queryTimeoutMillis) > 0) return undefined
    const lease = this.#lendOrWait(undefined)
    // every idle connection turned out unusable (lendIdle retired them): the wait for one, and the ordinary way
    if (lease instanceof Promise) return lease.then((lent) => this.#finish(lent, sql, params, options, shape))
    // a timed-out statement is still being cancelled there: the ordinary way queues behind it
    if (lease.entry.busy) return this.#finish(lease, sql, params, options, shape)
    return lease.executeThen(sql, params, options, shape)
  }

  /** One async step per statement: borrow (or pipeline), run, give back, shape. */
  async #runLater<T>(
    sql: string,
    params: Params | undefined,
    options: QueryOptions | undefined,
    classified: StatementKind | undefined,
    shape: (result: QueryResult, options: QueryOptions | undefined) => T,
  ): Promise<T> {
    // a busy connection of a node whose breaker is not closed takes no more statements
    const pipelined = this.breaker === undefined || this.breaker.state === 'closed' ? this.#pipeliner?.run(sql, params, options, classified) : undefined
    if (pipelined) return shape(await pipelined, options)
    // a closed pool or a breaker that is not closed takes acquireLease()'s checks; else an idle connection is lent at once
    const lent = this.#closed || (this.breaker !== undefined && this.breaker.state !== 'closed') ? this.acquireLease() : this.#lendOrWait(undefined)
    const lease = lent instanceof Promise ? await lent : lent
    try {
      // the facade read and checked the statement already
      return shape(await lease.executeChecked(sql, params, options), options)
    } finally {
      lease.release()
    }
  }

  /** Runs the statement on `lease` (the dialect could not run it at once) and gives it back. */
  async #finish<T>(lease: Lease, sql: string, params: Params | undefined, options: QueryOptions | undefined, shape: (result: QueryResult, options: QueryOptions | undefined) => T): Promise<T> {
    try {
      return shape(await lease.execute(sql, params, options), options)
    } finally {
      lease.release()
    }
  }

  /** Opens connections for up to `need` borrowers beyond those idle or opening (within `max`). */
  preWarm(need: number): Promise<number> {
    if (!this.#started) this.#start()
    return this.#lifecycle.preWarm(need)
  }

  /** Connections lent or held plus acquires waiting: how busy the pool is, in O(1). */
  load(): number {
    return this.#bag.load()
  }

  connectionCounts(): { readonly total: number; readonly active: number } {
    return { total: this.#bag.total, active: this.#bag.count('in-use') }
  }

  /**
   * This node's side of `pool.health()`, read from the bag, the breaker and
   * the last connect; with `ping`, one health-check statement first, bounded
   * by `healthCheckTimeoutMillis` (waiting for a connection included).
   */
  async healthFacts(ping: boolean): Promise<PrimaryFacts> {
    let pinged: Pick<PrimaryFacts, 'pingMillis' | 'pingError'> = {}
    if (ping && !this.#closed) pinged = await this.ping()
    const bag = this.#bag
    const breaker = this.breaker?.stats()
    const connectError = this.#lifecycle.lastCreateError
    return {
      name: this.name,
      closed: this.#closed,
      breaker: breaker?.state ?? 'off',
      retryAfterMillis: breaker?.retryAfterMillis,
      max: this.config.max,
      totalConnections: bag.total,
      activeConnections: bag.count('in-use'),
      pendingAcquires: bag.waiting,
      connectError: connectError?.message,
      ...pinged,
    }
  }

  /** Runs the health-check statement, within `healthCheckTimeoutMillis` (waiting for a connection included); never rejects. */
  async ping(): Promise<PingOutcome> {
    const { healthCheckQuery, healthCheckTimeoutMillis } = this.config
    const started = this.clock.now()
    try {
      const timeout = () => new HealthCheckTimeoutError('ping', healthCheckTimeoutMillis)
      await withTimeout(this.execute(healthCheckQuery, undefined, { timeoutMillis: healthCheckTimeoutMillis }), healthCheckTimeoutMillis, this.clock, 'awaited', timeout)
      return { pingMillis: Math.round((this.clock.now() - started) * 1000) / 1000 }
    } catch (error) {
      return { pingError: error instanceof Error ? error.message : String(error) }
    }
  }

  stats(): ConnectionPoolStats {
    const bag = this.#bag
    const healthScores: Record<string, number> = {}
    for (const entry of bag.entries()) healthScores[entry.id] = entry.health
    const c = this.counters
    const executed = c.queryTime.count
    return {
      pool: { name: this.name, database: this.dialect.description, min: this.config.min, max: this.config.max, closed: this.#closed },
      currentState: {
        totalConnections: bag.total,
        activeConnections: bag.count('in-use'),
        availableConnections: bag.idle,
        pendingAcquires: bag.waiting,
        pendingCreates: this.#lifecycle.creating,
        healthScores,
      },
      performance: {
        avgAcquisitionTimeMs: round(c.acquireWait.mean()),
        p99AcquisitionTimeMs: round(c.acquireWait.percentile(0.99)),
        avgQueryTimeMs: round(c.queryTime.mean()),
        p99QueryTimeMs: round(c.queryTime.percentile(0.99)),
      },
      queries: { executed, errors: c.queryErrors, errorRate: executed === 0 ? 0 : c.queryErrors / executed },
      connections: { created: c.created, recycled: c.recycled, failed: c.failedCreates, acquireTimeouts: c.acquireTimeouts },
      statements: this.#statementStats(),
      breaker: this.breaker?.stats(),
      sizing: this.learning?.stats(),
    }
  }

  /** This node's instruments, read now from the one bookkeeping `stats()` reads too. */
  metrics(role: NodeMetrics['role']): NodeMetrics {
    const bag = this.#bag
    const c = this.counters
    const healthScores: number[] = []
    for (const entry of bag.entries()) healthScores.push(entry.health)
    return {
      node: this.name,
      role,
      connections: {
        total: bag.total,
        active: bag.count('in-use'),
        idle: bag.idle,
        pending: bag.waiting,
        creating: this.#lifecycle.creating,
        min: this.config.min,
        max: this.config.max,
      },
      healthScores,
      acquireSeconds: c.acquireSeconds.snapshot(),
      usageSeconds: c.usageSeconds.snapshot(),
      creationSeconds: c.creationSeconds.snapshot(),
      acquireTimeouts: c.acquireTimeouts,
      connectionsCreated: c.created,
      connectionsClosed: { ...c.closedByReason },
      connectsFailed: { ...c.failedByReason },
      queries: c.queryTime.count,
      queryErrors: { ...c.queryErrorsByClass },
      queryDurations: [...c.queryDurations.values()].map((d) => ({ operation: d.operation, table: d.table, seconds: d.seconds.snapshot() })),
      statementCache: this.#statementStats(),
      batchSizes: c.batchSizes.snapshot(),
      breaker: this.breaker?.stats(),
      sizing: this.learning?.stats(),
    }
  }

  /**
   * Stops lending, fails waiting acquires, waits up to `timeoutMillis`
   * (`closeTimeoutMillis` by default) for borrowed connections to come back,
   * then closes every connection.
   */
  close(timeoutMillis = this.config.closeTimeoutMillis): Promise<void> {
    this.#closePromise ??= this.#shutDown(timeoutMillis)
    return this.#closePromise
  }

  #start(): void {
    this.#started = true
    void this.learning?.start()
    this.#housekeeper.start()
    this.#lifecycle.dispatch()
  }

  async #shutDown(timeoutMillis: number): Promise<void> {
    this.#closed = true
    this.#housekeeper.stop()
    this.breaker?.stop()
    this.#bag.rejectWaiters(() => new PoolClosedError(this.name, 'acquire'))
    await this.#lifecycle.shutDown(timeoutMillis)
    await this.learning?.close()
    await this.dialect.end?.()
  }

  /**
   * Closing refills the pool. Opening leaves the acquires already waiting to
   * their own timeout (a `PoolTimeoutError` that says why the database is
   * unreachable); only new calls fail at once. Every change is logged and emitted.
   */
  #breakerTransitioned(transition: BreakerTransition): void {
    const { from, to, reason, lastError } = transition
    const why = lastError ? `; last failure: ${lastError.message}` : ''
    this.log(to === 'closed' ? 'info' : 'warn', `circuit breaker ${from} -> ${to} (${reason})${to === 'open' ? why : ''}`, { from, to, reason, error: to === 'open' ? lastError : undefined }, 'breaker')
    if (to === 'closed') this.#lifecycle.dispatch()
    this.events.emit('breaker', transition)
  }

  /** The server's room read on a new connection, within the health check's time limit. */
  #roomOn(raw: unknown): Promise<ServerRoom> {
    const limit = this.config.healthCheckTimeoutMillis
    return withTimeout(this.dialect.serverRoom!(raw), limit, this.clock, 'background', () => new Error(`reading the server room took over ${limit}ms`))
  }

  #statementStats(): PoolStats['statements'] {
    const c = this.counters
    let size = 0
    let hits = c.retiredStatementHits
    let misses = c.retiredStatementMisses
    let evictions = c.retiredStatementEvictions
    if (this.dialect.statementCacheStats) {
      for (const entry of this.#bag.entries()) {
        const cache = this.dialect.statementCacheStats(entry.raw)
        size += cache.size
        hits += cache.hits
        misses += cache.misses
        evictions += cache.evictions
      }
    }
    return { size, hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses), evictions }
  }
}

function wholeResult(result: QueryResult): QueryResult {
  return result
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** How the bag tells the dialect whether an idle connection may let the process exit (`allowExitOnIdle`). */
function keepProcessAliveOf(dialect: Dialect<any>): ((raw: unknown, keep: boolean) => void) | undefined {
  return dialect.keepProcessAlive && ((raw, keep) => dialect.keepProcessAlive!(raw, keep))
}
