import { LIFETIME_JITTER, PREWARM_PERCENTILE } from '../config/defaults.js'
import { resolvePoolConfig, type PoolOptions, type ResolvedPoolConfig } from '../config/pool-config.js'
import { adjustHealth, HEALTH } from '../connection/health-score.js'
import { Lease, type LeaseHost } from '../connection/lease.js'
import type { ExecuteOptions, Params, PoolConnection, QueryOptions, Row, WriteResult } from '../connection/pool-connection.js'
import { PooledConnection } from '../connection/pooled-connection.js'
import type { Dialect, QueryResult } from '../dialect.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import { PoolTimeoutError, type PoolSnapshot } from '../errors/pool-timeout-error.js'
import { SluiceError } from '../errors/sluice-error.js'
import { Housekeeper, type HousekeepingTarget, type RetireReason } from '../housekeeping/housekeeper.js'
import { PoolCounters } from '../metrics/pool-counters.js'
import type { PoolStats } from '../metrics/pool-stats.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import { createLogger, type Logger } from '../util/logger.js'
import { TypedEmitter } from '../util/typed-emitter.js'
import { withTimeout } from '../util/with-timeout.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'
import { WorkflowTracker } from '../workflow/workflow-tracker.js'
import { MessageApi, type PoolMessage } from './message-api.js'
import { shapeRows } from '../connection/shape-rows.js'
import { ConsistencyScope, currentConsistencyScope, runInConsistencyScope } from '../routing/consistency-scope.js'
import { ReplicaNode } from '../routing/replica-node.js'
import { RoutedConnection } from '../routing/routed-connection.js'
import { Router, type RoutingStats } from '../routing/router.js'
import { WaiterQueue, type Waiter } from './waiter-queue.js'
import { ImplicitPipeliner, type ImplicitPipelinerHost } from '../pipeline/implicit-pipeliner.js'
import { Pipeline } from '../pipeline/pipeline.js'
import type { PipelineOptions } from '../pipeline/pipeline-options.js'

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
}

export interface AcquireOptions {
  /** The workflow scope the connection belongs to (see `onWorkflowStart`). */
  readonly workflowId?: string
  /**
   * `'replica'` borrows from a healthy replica (for a series of reads that
   * may lag the primary); falls back to the primary when none is healthy.
   * `'auto'` returns a connection that routes each statement on its own until
   * one needs a session (a transaction, `SET`, a lock), then pins a primary
   * connection: what ORM adapters use so that their reads reach replicas.
   * Without replicas every target is the primary. Defaults to `'primary'`.
   */
  readonly target?: 'primary' | 'replica' | 'auto'
}

export interface WorkflowCompletion {
  readonly workflowId: string
  /** Most connections the workflow held at once. */
  readonly peakConnections: number
  /** Connections it still held, which the pool released. */
  readonly leakedConnections: number
}

/**
 * The pool: lends connections first-come first-served, opens them lazily up
 * to `max`, retires them by lifetime, idleness, health and fatal errors, and
 * never lets a connection failure escape as an unhandled error.
 *
 * ```ts
 * const pool = createPool({ dialect: postgres({ connectionString }), min: 2, max: 10 })
 * await pool.ready()
 * const rows = await pool.query('SELECT * FROM orders WHERE id = $1', [id])
 * await pool.close()
 * ```
 */
export class Pool {
  readonly config: ResolvedPoolConfig
  readonly #dialect: Dialect<any>
  readonly #clock: Clock
  readonly #log: Logger
  readonly #events: TypedEmitter<PoolEvents>
  readonly #counters = new PoolCounters()
  /** Every open connection: idle, in use, or reserved by the pool. */
  readonly #entries = new Set<PooledConnection>()
  /** The idle ones, most recently returned last (lent LIFO so surplus ones age out). */
  readonly #idle: PooledConnection[] = []
  readonly #waiters = new WaiterQueue<Lease>()
  readonly #closing = new Set<Promise<void>>()
  readonly #creating = new Set<Promise<void>>()
  readonly #housekeeper: Housekeeper
  readonly #workflows: WorkflowTracker
  readonly #messages: MessageApi
  readonly #host: LeaseHost
  readonly #router: Router | undefined
  readonly #replicas: readonly ReplicaNode[]
  /** Set when `implicitPipelining` is on and the dialect can pipeline. */
  readonly #pipeliner: ImplicitPipeliner | undefined
  /** What pipelines (explicit and implicit) reach of the pool. */
  readonly #pipelineHost: ImplicitPipelinerHost
  #connectionSequence = 0
  #workflowSequence = 0
  #lastCreateError: Error | undefined
  #createFailures = 0
  #retryAt = 0
  #retryTimer: TimerHandle | undefined
  /** The queue's one acquire-timeout timer, and the deadline it is armed for. */
  #waitTimer: TimerHandle | undefined
  #waitTimerAt = Number.POSITIVE_INFINITY
  #started = false
  #closed = false
  #readyPromise: Promise<void> | undefined
  #routingStarted: Promise<void> | undefined
  #closePromise: Promise<void> | undefined
  #drained: (() => void) | undefined

  constructor(options: PoolOptions) {
    const warnings: string[] = []
    this.config = resolvePoolConfig(options, (message) => warnings.push(message))
    this.#dialect = this.config.dialect
    this.#clock = this.config.clock
    this.#log = createLogger(this.config.log, this.config.name)
    for (const warning of warnings) this.#log('warn', warning)
    this.#events = new TypedEmitter((event, error) => this.#log('error', `a '${event}' listener threw`, { error }))
    this.#workflows = new WorkflowTracker(this.config.workflowHistorySize)
    this.#housekeeper = new Housekeeper(this.#housekeepingTarget())
    this.#messages = new MessageApi(this)
    this.#host = {
      name: this.config.name,
      dialect: this.#dialect,
      clock: this.#clock,
      counters: this.#counters,
      queryTimeoutMillis: this.config.queryTimeoutMillis,
      giveBack: (lease, destroy) => this.#giveBack(lease, destroy),
      inTransaction: (entry) => this.#inTransaction(entry),
    }
    // each replica is a pool of its own, with the primary's sizes and timers
    this.#replicas = this.config.replicas.map(
      (dialect, i) => new ReplicaNode(`${this.config.name}/replica-${i + 1}`, new Pool({ ...options, dialect, name: `${this.config.name}/replica-${i + 1}`, replicas: [], routing: undefined })),
    )
    this.#router =
      this.#replicas.length === 0
        ? undefined
        : new Router({ dialect: this.#dialect, withConnection: (fn) => this.withConnection(fn) }, this.#replicas, this.config.routing, this.#clock, this.#log)
    this.#pipelineHost = {
      name: this.config.name,
      dialect: this.#dialect,
      clock: this.#clock,
      counters: this.#counters,
      queryTimeoutMillis: this.config.queryTimeoutMillis,
      maxConnections: this.config.max,
      log: this.#log,
      acquire: () => this.acquire() as Promise<Lease>,
      load: () => this.load(),
      waiting: () => this.#waiters.size,
      closed: () => this.#closed,
    }
    this.#pipeliner = ImplicitPipeliner.create(this.#pipelineHost, this.config.implicitPipelining)
  }

  on<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#events.on(event, listener)
    return this
  }

  off<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#events.off(event, listener)
    return this
  }

  once<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#events.once(event, listener)
    return this
  }

  /**
   * Opens `min` connections and resolves when they are open. Rejects with the
   * connection error if the database cannot be reached (the pool keeps trying
   * in the background; calling `ready()` again waits again).
   */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.config.name, 'get ready'))
    this.#readyPromise ??= this.#warmUp().then(() => this.#routingStarted).catch((error: unknown) => {
      // let a later ready() try again
      this.#readyPromise = undefined
      throw error
    })
    return this.#readyPromise
  }

  /** Borrows a connection, waiting up to `acquireTimeoutMillis` in FIFO order. */
  acquire(options?: AcquireOptions): Promise<PoolConnection> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.config.name, 'acquire'))
    if (options?.target === 'auto' && this.#router) {
      if (!this.#started) this.#start()
      const router = this.#router
      return Promise.resolve(
        new RoutedConnection({
          execute: (sql, params, executeOptions) => router.execute(sql, params, executeOptions),
          acquirePrimary: () => this.acquire({ ...options, target: 'primary' }),
          classify: (sql, hint) => router.kindOf(sql, hint),
        }),
      )
    }
    if (options?.target === 'replica' && this.#router) {
      const replica = this.#replicas.find((r) => r.healthy)
      if (replica) return replica.pool.acquire({ ...options, target: 'primary' })
    }
    if (!this.#started) this.#start()
    let scope: WorkflowScope | undefined
    try {
      scope = this.#workflows.current(options?.workflowId)
    } catch (error) {
      return Promise.reject(error)
    }
    // captured here, synchronously, so the stack names the caller even when the connection comes later
    const stack = this.config.leakDetectionThresholdMillis > 0 ? new Error('acquired here').stack : undefined
    if (this.#waiters.size === 0 && this.#idle.length > 0) {
      // the fast path reads no clock (each read costs as much as the rest of the path): lifetime is
      // judged by when the connection came back (the housekeeper retires idle ones past it every tick)
      // and the wait is zero
      const entry = this.#takeIdle(undefined)
      if (entry) return Promise.resolve(this.#lend(entry, undefined, 0, scope, stack))
    }
    const startedAt = this.#clock.now()
    return new Promise<Lease>((resolve, reject) => {
      this.#waiters.push(resolve, reject, startedAt, scope, stack)
      this.#armWaitTimer(startedAt)
      this.#dispatch()
    })
  }

  /** Borrows a connection for the length of `fn` and gives it back however `fn` ends. */
  async withConnection<T>(fn: (connection: PoolConnection) => Promise<T>, options?: AcquireOptions): Promise<T> {
    const connection = await this.acquire(options)
    try {
      return await fn(connection)
    } finally {
      if (!connection.released) connection.release()
    }
  }

  /**
   * Runs `fn` in a transaction on one connection: commits when it resolves,
   * rolls back when it throws (and closes the connection if even the rollback
   * fails).
   */
  async transaction<T>(fn: (tx: PoolConnection) => Promise<T>, options?: AcquireOptions): Promise<T> {
    const tx = await this.acquire(options)
    try {
      await tx.execute(this.#dialect.beginStatement ?? 'BEGIN')
      const result = await fn(tx)
      await tx.execute('COMMIT')
      const scope = this.#router ? currentConsistencyScope() : undefined
      if (scope) await this.#router!.noteWrite(scope, tx)
      return result
    } catch (error) {
      if (!tx.released && tx.inTransaction()) {
        try {
          await tx.execute('ROLLBACK')
        } catch (rollbackError) {
          this.#log('warn', `rollback failed on ${tx.id}; closing it`, { error: rollbackError })
          tx.destroy(rollbackError instanceof Error ? rollbackError : undefined)
        }
      }
      throw error
    } finally {
      if (!tx.released) tx.release()
    }
  }

  /** Borrows a connection, runs one statement, gives it back. */
  query<R = Row>(sql: string, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: string, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: string, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  async query<R = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<unknown> {
    return shapeRows(await this.execute<R>(sql, params, options), options)
  }

  /** Borrows a connection, runs one statement, gives it back; returns the full result. */
  async execute<R = Row>(sql: string, params?: Params, options?: ExecuteOptions): Promise<QueryResult<R>> {
    if (this.#router) {
      if (!this.#started) this.#start()
      return this.#router.execute<R>(sql, params, options)
    }
    const pipelined = this.#pipeliner?.run(sql, params, options)
    if (pipelined) return (await pipelined) as QueryResult<R>
    const connection = await this.acquire()
    try {
      return await connection.execute<R>(sql, params, options)
    } finally {
      connection.release()
    }
  }

  /**
   * A pipeline: statements from many callers sent in batches, each `add()`
   * settling with its own statement's result (see docs/pipelining.md).
   *
   * ```ts
   * const pipe = pool.pipeline({ batchSize: 100, flushIntervalMillis: 5, strategy: 'best-effort' })
   * const { rows } = await pipe.add('SELECT $1::int AS n', [1])
   * ```
   */
  pipeline(options?: PipelineOptions): Pipeline {
    if (this.#closed) throw new PoolClosedError(this.config.name, 'open a pipeline')
    return new Pipeline(this.#pipelineHost, options)
  }

  /** The guide's message API: `initialize`, `acquire`, `execute`, `release`, `stats`. */
  process(message: PoolMessage): Promise<unknown> {
    return this.#messages.process(message)
  }

  /**
   * Opens a workflow scope. With `preWarm`, opens as many connections as runs
   * of this type needed at their busiest recently (90th percentile, at most
   * `max`) and resolves when they are open.
   */
  async onWorkflowStart(workflowId: string, workflowType: string): Promise<{ preWarmed: number }> {
    if (this.#closed) throw new PoolClosedError(this.config.name, 'start a workflow')
    if (!this.#started) this.#start()
    this.#workflows.start(workflowId, workflowType, this.#clock.now())
    if (!this.config.preWarm) return { preWarmed: 0 }
    const need = Math.min(this.config.max, this.#workflows.history.need(workflowType, PREWARM_PERCENTILE))
    return { preWarmed: await this.#preWarm(need) }
  }

  /** Closes a workflow scope, releasing (and counting) every connection it still holds. */
  async onWorkflowComplete(workflowId: string): Promise<WorkflowCompletion> {
    const scope = this.#workflows.complete(workflowId)
    if (!scope) throw new SluiceError('SLUICE_WORKFLOW', `Unknown workflow ${JSON.stringify(workflowId)}`)
    const leaked = [...scope.leases]
    for (const lease of leaked) {
      this.#log('warn', `workflow ${workflowId} (${scope.type}) completed still holding connection ${lease.id}; releasing it`)
      lease.release()
    }
    this.#counters.leakedReleased += leaked.length
    this.#counters.workflowsCompleted++
    return { workflowId, peakConnections: scope.peak, leakedConnections: leaked.length }
  }

  /**
   * Runs `fn` as a workflow of `workflowType`: pre-warms, attributes every
   * acquire inside `fn` (across awaits) to the workflow, and releases what
   * `fn` forgot when it ends.
   */
  async runWorkflow<T>(workflowType: string, fn: (workflowId: string) => Promise<T>, options?: { workflowId?: string }): Promise<T> {
    const workflowId = options?.workflowId ?? `${workflowType}-${++this.#workflowSequence}`
    await this.onWorkflowStart(workflowId, workflowType)
    const scope = this.#workflows.current(workflowId)!
    try {
      const run = () => this.#workflows.runIn(scope, () => fn(workflowId))
      // a workflow is also a read-your-writes scope when reads are routed
      return await (this.#router ? runInConsistencyScope(new ConsistencyScope(), run) : run())
    } finally {
      await this.onWorkflowComplete(workflowId)
    }
  }

  /**
   * Runs `fn` as one request scope for read-your-writes: after a write in
   * `fn`, `fn`'s reads go only where that write is visible.
   *
   * ```ts
   * app.use((req, res, next) => pool.scope(next))
   * ```
   */
  scope<T>(fn: () => T): T {
    return runInConsistencyScope(new ConsistencyScope(), fn)
  }

  /** Routing counters and each replica's state; undefined without replicas. */
  routingStats(): RoutingStats | undefined {
    return this.#router?.stats()
  }

  /** Recent peak connection counts per workflow type, as pre-warming sees them. */
  workflowHistory(): Record<string, readonly number[]> {
    return this.#workflows.history.snapshot()
  }

  stats(): PoolStats {
    let active = 0
    const healthScores: Record<string, number> = {}
    for (const entry of this.#entries) {
      if (entry.state === 'in-use') active++
      healthScores[entry.id] = entry.health
    }
    const c = this.#counters
    const executed = c.queryTime.count
    return {
      pool: { name: this.config.name, database: this.#dialect.description, min: this.config.min, max: this.config.max, closed: this.#closed },
      currentState: {
        totalConnections: this.#entries.size,
        activeConnections: active,
        availableConnections: this.#idle.length,
        pendingAcquires: this.#waiters.size,
        pendingCreates: this.#creating.size,
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
      workflows: { active: this.#workflows.active, completed: c.workflowsCompleted, leakedConnectionsReleased: c.leakedReleased },
    }
  }

  #statementStats(): PoolStats['statements'] {
    const c = this.#counters
    let size = 0
    let hits = c.retiredStatementHits
    let misses = c.retiredStatementMisses
    let evictions = c.retiredStatementEvictions
    if (this.#dialect.statementCacheStats) {
      for (const entry of this.#entries) {
        const cache = this.#dialect.statementCacheStats(entry.raw)
        size += cache.size
        hits += cache.hits
        misses += cache.misses
        evictions += cache.evictions
      }
    }
    return { size, hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses), evictions }
  }

  /**
   * Stops lending, fails waiting acquires, waits up to `closeTimeoutMillis`
   * for borrowed connections to come back, then closes every connection.
   */
  close(): Promise<void> {
    this.#closePromise ??= this.#shutDown()
    return this.#closePromise
  }

  get closed(): boolean {
    return this.#closed
  }

  // ---- lending ------------------------------------------------------------

  #start(): void {
    this.#started = true
    this.#housekeeper.start()
    this.#routingStarted = this.#startRouting()
    this.#dispatch()
  }

  async #warmUp(): Promise<void> {
    if (!this.#started) this.#start()
    while (this.#entries.size < this.config.min) {
      if (this.#closed) throw new PoolClosedError(this.config.name, 'get ready')
      if (this.#creating.size === 0) {
        // in back-off after a failure: report it rather than wait blindly
        if (this.#lastCreateError) throw this.#lastCreateError
        this.#dispatch()
        if (this.#creating.size === 0) return
      }
      await Promise.race(this.#creating)
      if (this.#lastCreateError) throw this.#lastCreateError
    }
  }

  /** The most recently returned usable idle connection; `now` undefined judges lifetime by when each came back. */
  #takeIdle(now: number | undefined): PooledConnection | undefined {
    let entry: PooledConnection | undefined
    while ((entry = this.#idle.pop())) {
      if (entry.brokenBy) this.#retire(entry, 'broken')
      else if ((now ?? entry.idleSince) >= entry.expiresAt) this.#retire(entry, 'lifetime')
      else if (entry.health < this.config.healthThreshold) this.#retire(entry, 'health')
      else return entry
    }
    return undefined
  }

  #lend(entry: PooledConnection, now: number | undefined, waitedMillis: number, scope: WorkflowScope | undefined, stack: string | undefined): Lease {
    entry.state = 'in-use'
    // leak detection needs the real time; otherwise the connection's return time stands in for it
    const acquiredAt = now ?? (stack === undefined ? entry.idleSince : this.#clock.now())
    const lease = new Lease(this.#host, entry, acquiredAt, scope, stack)
    entry.lease = lease
    scope?.attach(lease)
    this.#counters.acquireWait.record(waitedMillis)
    if (this.#events.has('acquire')) this.#events.emit('acquire', entry.id)
    return lease
  }

  /** Matches waiters with idle connections, then opens connections for whoever still waits. */
  #dispatch(): void {
    if (this.#waiters.size > 0 && this.#idle.length > 0) {
      const now = this.#clock.now()
      while (this.#waiters.size > 0) {
        const entry = this.#takeIdle(now)
        if (!entry) break
        this.#serve(this.#waiters.shift()!, entry, now)
      }
    }
    this.#replenish()
  }

  #serve(waiter: Waiter<Lease>, entry: PooledConnection, now: number): void {
    waiter.resolve(this.#lend(entry, now, now - waiter.startedAt, waiter.scope as WorkflowScope | undefined, waiter.stack))
  }

  /**
   * One timer for the whole queue: every waiter has the same timeout and the
   * queue is FIFO, so the oldest waiter's deadline is always the next one.
   * A timer armed for a waiter since served fires early, finds nobody due,
   * and re-arms for the new oldest.
   */
  #armWaitTimer(now: number): void {
    const oldest = this.#waiters.peek()
    if (!oldest) return
    const deadline = oldest.startedAt + this.config.acquireTimeoutMillis
    if (this.#waitTimer !== undefined && this.#waitTimerAt <= deadline) return
    if (this.#waitTimer !== undefined) this.#clock.clearTimeout(this.#waitTimer)
    this.#waitTimerAt = deadline
    this.#waitTimer = this.#clock.setTimeout(() => this.#expireWaiters(), Math.max(0, deadline - now))
  }

  #expireWaiters(): void {
    this.#waitTimer = undefined
    const now = this.#clock.now()
    let oldest: Waiter<Lease> | undefined
    while ((oldest = this.#waiters.peek()) && oldest.startedAt + this.config.acquireTimeoutMillis <= now) {
      this.#waiters.shift()
      this.#counters.acquireTimeouts++
      oldest.reject(new PoolTimeoutError(this.config.name, now - oldest.startedAt, this.#snapshot(), this.#lastCreateError))
    }
    this.#armWaitTimer(now)
  }

  #snapshot(): PoolSnapshot {
    let active = 0
    for (const entry of this.#entries) if (entry.state === 'in-use') active++
    return { total: this.#entries.size, active, idle: this.#idle.length, waiting: this.#waiters.size, max: this.config.max }
  }

  // ---- giving back --------------------------------------------------------

  #giveBack(lease: Lease, destroy: Error | undefined): void {
    const entry = lease.entry
    entry.lease = undefined
    ;(lease.scope as WorkflowScope | undefined)?.detach(lease)
    if (this.#events.has('release')) this.#events.emit('release', entry.id)
    if (destroy) return this.#retire(entry, 'destroyed')
    if (entry.brokenBy) return this.#retire(entry, 'broken')
    if (this.#closed) return this.#retire(entry, 'pool-closed')
    const now = this.#clock.now()
    if (now >= entry.expiresAt) return this.#retire(entry, 'lifetime')
    if (entry.busy || this.config.resetOnRelease === 'full' || this.#inTransaction(entry)) {
      entry.state = 'reserved'
      return void this.#resetThenReturn(entry)
    }
    entry.verifiedAt = now
    this.#makeIdle(entry, now)
  }

  /** Waits for the borrower's last commands, then rolls back (or fully resets) before anyone else gets it. */
  async #resetThenReturn(entry: PooledConnection): Promise<void> {
    try {
      await withTimeout(entry.drained(), this.config.healthCheckTimeoutMillis, this.#clock, () => new Error('statements still running at release'))
      const full = this.config.resetOnRelease === 'full'
      if (full || this.#inTransaction(entry)) {
        await withTimeout(
          entry.run((raw) => this.#dialect.reset(raw, { full })),
          this.config.healthCheckTimeoutMillis,
          this.#clock,
          () => new Error(`reset timed out after ${this.config.healthCheckTimeoutMillis}ms`),
        )
      }
      entry.transactionByKeywords = false
      // a full reset cleared what onConnect set up on the session
      if (this.config.resetOnRelease === 'full' && this.config.onConnect) await entry.run((raw) => this.#setUp(raw))
    } catch (error) {
      this.#log('warn', `could not reset connection ${entry.id} after release; closing it`, { error: errorMessage(error) })
      return this.#retire(entry, 'reset-failed')
    }
    if (entry.state !== 'reserved') return
    if (this.#closed || entry.brokenBy) return this.#retire(entry, this.#closed ? 'pool-closed' : 'broken')
    const now = this.#clock.now()
    entry.verifiedAt = now
    this.#makeIdle(entry, now)
  }

  #inTransaction(entry: PooledConnection): boolean {
    return this.#dialect.inTransaction?.(entry.raw) ?? entry.transactionByKeywords
  }

  /** A connection becomes free: the oldest waiter gets it, else it joins the idle stack. */
  #makeIdle(entry: PooledConnection, now: number): void {
    if (this.#closed) return this.#retire(entry, 'pool-closed')
    entry.state = 'idle'
    entry.idleSince = now
    const waiter = this.#waiters.shift()
    if (waiter) this.#serve(waiter, entry, now)
    else this.#idle.push(entry)
  }

  // ---- opening and closing connections -----------------------------------

  /** Opens connections for waiters and up to `min`, respecting `max` and the back-off after failures. */
  #replenish(): void {
    if (this.#closed || !this.#started) return
    const open = this.#entries.size + this.#creating.size
    const forWaiters = this.#waiters.size - this.#creating.size
    const forMin = this.config.min - open
    let wanted = Math.min(Math.max(forWaiters, forMin), this.config.max - open)
    if (wanted <= 0) return
    const now = this.#clock.now()
    if (now < this.#retryAt) {
      this.#retryTimer ??= this.#clock.setTimeout(() => {
        this.#retryTimer = undefined
        this.#dispatch()
      }, this.#retryAt - now)
      return
    }
    // while the database is failing, probe with one connection at a time
    if (this.#createFailures > 0) wanted = Math.min(wanted, 1 - this.#creating.size)
    for (let i = 0; i < wanted; i++) this.#open()
  }

  #open(): Promise<void> {
    let connecting: Promise<unknown>
    try {
      connecting = this.#dialect.connect()
    } catch (error) {
      connecting = Promise.reject(error)
    }
    if (this.config.onConnect) connecting = connecting.then((raw) => this.#setUp(raw))
    const done = connecting.then(
      (raw) => this.#opened(raw),
      (error: unknown) => this.#openFailed(error),
    )
    const tracked = done.finally(() => {
      this.#creating.delete(tracked)
      // back-off or demand may have changed while this connect ran
      this.#dispatch()
    })
    this.#creating.add(tracked)
    return tracked
  }

  #opened(raw: unknown): void {
    this.#createFailures = 0
    this.#retryAt = 0
    this.#lastCreateError = undefined
    if (this.#closed) {
      this.#track(this.#dialect.close(raw))
      return
    }
    const now = this.#clock.now()
    const lifetime = this.config.maxLifetimeMillis
    const expiresAt = lifetime > 0 ? now + lifetime - Math.random() * lifetime * LIFETIME_JITTER : Number.POSITIVE_INFINITY
    const entry = new PooledConnection(`conn-${++this.#connectionSequence}`, raw, now, expiresAt)
    this.#entries.add(entry)
    this.#counters.created++
    try {
      this.#dialect.watch(raw, (error) => this.#lost(entry, error))
    } catch (error) {
      this.#log('warn', 'the dialect could not watch a new connection', { error: errorMessage(error) })
    }
    this.#log('debug', `opened connection ${entry.id}`)
    if (this.#events.has('connect')) this.#events.emit('connect', entry.id)
    this.#makeIdle(entry, now)
  }

  /** Runs `onConnect` on a new connection; one that fails it is closed and the connect counts as failed. */
  async #setUp(raw: unknown): Promise<unknown> {
    try {
      await this.config.onConnect!({
        driverConnection: raw,
        execute: (sql, params) => this.#dialect.run(raw, sql, params, {}),
      })
      return raw
    } catch (error) {
      await this.#dialect.close(raw).catch(() => undefined)
      throw error
    }
  }

  #openFailed(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error))
    this.#counters.failedCreates++
    this.#lastCreateError = err
    const now = this.#clock.now()
    // connects that fail together (a burst at start) count as one failed round
    if (now >= this.#retryAt) {
      this.#createFailures++
      const delay = Math.min(this.config.createRetryMaxMillis, this.config.createRetryInitialMillis * 2 ** (this.#createFailures - 1))
      this.#retryAt = now + delay
      this.#log('warn', `could not open a connection to ${this.#dialect.description}: ${err.message}; retrying in ${Math.round(delay)}ms`)
    }
    this.#events.emit('error', err, undefined)
  }

  /** A connection failed outside any statement (server restart, killed backend). */
  #lost(entry: PooledConnection, error: Error): void {
    if (entry.state === 'closing' || entry.state === 'closed') return
    entry.markBroken(error)
    if (entry.state !== 'idle') return // its borrower or the housekeeper gives it back, and then it is closed
    this.#log('warn', `connection ${entry.id} was lost while idle (${error.message}); replacing it`)
    this.#retire(entry, 'broken')
    this.#events.emit('error', error, entry.id)
  }

  #retire(entry: PooledConnection, reason: RetireReason): void {
    if (entry.state === 'closing' || entry.state === 'closed') return
    if (entry.state === 'idle') {
      const index = this.#idle.indexOf(entry)
      if (index !== -1) this.#idle.splice(index, 1)
    }
    this.#entries.delete(entry)
    entry.state = 'closing'
    this.#keepStatementTotals(entry)
    if (reason !== 'pool-closed') this.#counters.recycled++
    this.#log('debug', `closing connection ${entry.id} (${reason})`)
    if (this.#events.has('remove')) this.#events.emit('remove', entry.id, reason)
    this.#track(
      this.#dialect.close(entry.raw).then(() => {
        entry.state = 'closed'
      }),
    )
    if (this.#closed) this.#checkDrained()
    else this.#dispatch()
  }

  #keepStatementTotals(entry: PooledConnection): void {
    if (!this.#dialect.statementCacheStats) return
    try {
      const cache = this.#dialect.statementCacheStats(entry.raw)
      this.#counters.retiredStatementHits += cache.hits
      this.#counters.retiredStatementMisses += cache.misses
      this.#counters.retiredStatementEvictions += cache.evictions
    } catch {
      // a broken connection's figures are not worth failing its removal
    }
  }

  #track(closing: Promise<void>): void {
    const tracked: Promise<void> = closing
      .catch((error: unknown) => this.#log('warn', 'closing a connection failed', { error: errorMessage(error) }))
      .finally(() => this.#closing.delete(tracked))
    this.#closing.add(tracked)
  }

  async #preWarm(need: number): Promise<number> {
    const free = this.#idle.length + this.#creating.size
    const room = this.config.max - this.#entries.size - this.#creating.size
    const count = Math.max(0, Math.min(need - free, room))
    if (count === 0) return 0
    const opening: Promise<void>[] = []
    for (let i = 0; i < count; i++) opening.push(this.#open())
    await Promise.all(opening)
    return count
  }

  // ---- housekeeping --------------------------------------------------------

  #housekeepingTarget(): HousekeepingTarget {
    return {
      config: this.config,
      idleConnections: () => this.#idle,
      activeLeases: () => this.#activeLeases(),
      totalConnections: () => this.#entries.size,
      retire: (entry, reason) => this.#retire(entry, reason),
      checkHealth: (entry) => void this.#checkHealth(entry),
      reportLeak: (lease, held) => {
        this.#log('warn', `connection ${lease.id} has been held for ${Math.round(held)}ms; possible leak. Acquired at:\n${lease.acquireStack ?? '(no stack)'}`)
      },
      replenish: () => this.#dispatch(),
      log: (level, message, details) => this.#log(level, message, details),
    }
  }

  *#activeLeases(): Iterable<Lease> {
    for (const entry of this.#entries) if (entry.lease) yield entry.lease as Lease
  }

  /** Pings an idle connection while it is reserved, so no borrower can receive it meanwhile. */
  async #checkHealth(entry: PooledConnection): Promise<void> {
    const index = this.#idle.indexOf(entry)
    if (index === -1) return
    this.#idle.splice(index, 1)
    entry.state = 'reserved'
    const { healthCheckQuery, healthCheckTimeoutMillis, healthCheckSlowMillis } = this.config
    const started = this.#clock.now()
    try {
      await withTimeout(
        entry.run((raw) => this.#dialect.ping(raw, healthCheckQuery)),
        healthCheckTimeoutMillis,
        this.#clock,
        () => new Error(`health check timed out after ${healthCheckTimeoutMillis}ms`),
      )
      const took = this.#clock.now() - started
      entry.health = adjustHealth(entry.health, took > healthCheckSlowMillis ? HEALTH.checkSlow : HEALTH.checkPassed)
      entry.verifiedAt = this.#clock.now()
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error))
      // a timed-out check may still be running, and a fatal one left nothing usable
      if (this.#dialect.isFatal(error) || /timed out/.test(err.message)) entry.markBroken(err)
      else entry.health = adjustHealth(entry.health, HEALTH.checkFailed)
      this.#log('warn', `health check of ${entry.id} failed: ${err.message} (health ${entry.health})`)
    }
    if (entry.state !== 'reserved') return
    if (this.#closed) return this.#retire(entry, 'pool-closed')
    if (entry.brokenBy) return this.#retire(entry, 'broken')
    if (entry.health < this.config.healthThreshold) return this.#retire(entry, 'health')
    this.#makeIdle(entry, this.#clock.now())
  }

  // ---- shutting down -------------------------------------------------------

  async #shutDown(): Promise<void> {
    this.#closed = true
    this.#router?.stop()
    if (this.#waitTimer !== undefined) this.#clock.clearTimeout(this.#waitTimer)
    const replicasClosed = Promise.all(this.#replicas.map((replica) => replica.pool.close()))
    this.#housekeeper.stop()
    if (this.#retryTimer) this.#clock.clearTimeout(this.#retryTimer)
    let waiter: Waiter<Lease> | undefined
    while ((waiter = this.#waiters.shift())) {
      waiter.reject(new PoolClosedError(this.config.name, 'acquire'))
    }
    for (const entry of [...this.#idle]) this.#retire(entry, 'pool-closed')
    if (this.#entries.size > 0) {
      const drained = new Promise<void>((resolve) => (this.#drained = resolve))
      const timer = this.#clock.setTimeout(() => this.#drained?.(), this.config.closeTimeoutMillis)
      await drained
      this.#clock.clearTimeout(timer)
      for (const entry of [...this.#entries]) {
        this.#log('warn', `closing connection ${entry.id} that was still ${entry.state} after ${this.config.closeTimeoutMillis}ms`)
        ;(entry.lease as Lease | undefined)?.revoke()
        this.#retire(entry, 'pool-closed')
      }
    }
    await Promise.all([...this.#creating])
    while (this.#closing.size > 0) await Promise.all([...this.#closing])
    await this.#dialect.end?.()
    await replicasClosed
  }

  /** Opens each replica's `min` and measures them before the first read is routed; a replica that fails is logged, not fatal. */
  async #startRouting(): Promise<void> {
    if (!this.#router) return
    await Promise.all(
      this.#replicas.map((replica) =>
        replica.pool.ready().catch((error: unknown) => this.#log('warn', `replica ${replica.name} is not reachable yet: ${errorMessage(error)}`)),
      ),
    )
    await this.#router.start()
  }

  #checkDrained(): void {
    if (this.#entries.size === 0) this.#drained?.()
  }

  /** @internal for the message API and tests: the housekeeper's tick. */
  runHousekeeping(): void {
    this.#housekeeper.tick()
  }

  /** @internal connections borrowed or held plus acquires waiting: how busy the pool is, in O(1). */
  load(): number {
    return this.#entries.size - this.#idle.length + this.#waiters.size
  }

  /** @internal debug dump of every connection's state. */
  describeConnections(): Array<{ id: string; state: string; health: number }> {
    return [...this.#entries].map((entry) => ({ id: entry.id, state: entry.state, health: entry.health }))
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Creates a pool. Validates the options now; connects lazily (or at `ready()`). */
export function createPool(options: PoolOptions): Pool {
  return new Pool(options)
}
