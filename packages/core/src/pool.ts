import { resolvePoolConfig, type PoolOptions, type ResolvedPoolConfig } from './config/pool-config.js'
import type { Lease } from './connection/lease.js'
import type { ExecuteOptions, Params, PoolConnection, QueryOptions, Row, WriteResult } from './connection/pool-connection.js'
import { runTransaction } from './connection/run-transaction.js'
import { shapeRows } from './connection/shape-rows.js'
import { checkFetch, readStatement, type Statement } from './connection/statement-arguments.js'
import type { Dialect, QueryResult } from './dialect.js'
import { CapabilityError } from './errors/capability-error.js'
import { PoolClosedError } from './errors/pool-closed-error.js'
import type { WorkloadForecast } from './learning/workload-forecast.js'
import { assessHealth, type PoolHealth } from './metrics/pool-health.js'
import type { PoolStats } from './metrics/pool-stats.js'
import { ArgumentError } from './errors/argument-error.js'
import { MAX_TIMER_MILLIS } from './config/validators.js'
import { QueryPatterns } from './learning/query-patterns.js'
import type { PoolMetrics } from './metrics/pool-metrics.js'
import { StatementCatalog } from './metrics/statement-catalog.js'
import { Pipeline } from './pipeline/pipeline.js'
import type { PipelineOptions } from './config/pipeline-config.js'
import { ConnectionPool } from './pool/connection-pool.js'
import { MessageApi, type PoolMessage, type ResultOf } from './pool/message-api.js'
import type { PoolEvents } from './pool/pool-events.js'
import { readFallback } from './resilience/read-fallback.js'
import { ConsistencyScope, runInConsistencyScope } from './routing/consistency-scope.js'
import { Router, type RoutingStats } from './routing/router.js'
import { statementConnection, StatementKinds } from './routing/statement-connection.js'
import { createLogger, type Logger } from './util/logger.js'
import { Workflows, type WorkflowCompletion } from './workflow/workflows.js'

export type { PoolEvents } from './pool/pool-events.js'
export type { WorkflowCompletion } from './workflow/workflows.js'

export interface AcquireOptions {
  /** The workflow scope the connection belongs to (see `onWorkflowStart`). */
  readonly workflowId?: string
  /**
   * `'replica'` borrows from a healthy replica (for a series of reads that
   * may lag the primary); falls back to the primary when none is healthy.
   * `'auto'` returns a connection that routes each statement on its own until
   * one needs a session (a transaction, `SET`, a lock), then pins a primary
   * connection: what ORM adapters use so that their reads reach replicas.
   * Without replicas every target is the primary. `'statement'` is `'auto'`,
   * and without replicas too, when the pool pipelines implicitly: each read
   * runs as `pool.execute()` runs it (pipelined, no connection held between
   * statements) until a statement that is not a read pins a connection; for
   * ORMs that borrow a connection per statement. Defaults to `'primary'`.
   */
  readonly target?: 'primary' | 'replica' | 'auto' | 'statement'
}

/**
 * The pool: lends connections first-come first-served, opens them lazily up
 * to `max`, retires them by lifetime, idleness, health and fatal errors, and
 * never lets a connection failure escape as an unhandled error. With
 * replicas it routes reads to them.
 *
 * ```ts
 * const pool = createPool({ dialect: postgres({ connectionString }), min: 2, max: 10 })
 * await pool.ready()
 * const rows = await pool.query('SELECT * FROM orders WHERE id = $1', [id])
 * await pool.close()
 * ```
 *
 * It is a facade: the primary's connections live in a `ConnectionPool`,
 * replicas and read/write routing in a `Router` above it, workflow scopes in
 * `Workflows` (see docs/architecture.md).
 */
export class Pool {
  readonly config: ResolvedPoolConfig
  /**
   * What the pool has learned of its statements: `pool.patterns.frequent({ limit })`,
   * the most frequent statement fingerprints (see docs/observability.md).
   */
  readonly patterns: QueryPatterns
  readonly #log: Logger
  readonly #statements: StatementCatalog
  readonly #primary: ConnectionPool
  readonly #router: Router | undefined
  readonly #workflows: Workflows
  readonly #messages: MessageApi
  /** The classifier's answers for `acquire({ target: 'statement' })` without replicas, made on first use. */
  #statementKinds: StatementKinds | undefined
  #started = false
  #routing: Promise<void> | undefined
  #readyPromise: Promise<void> | undefined
  #closePromise: Promise<void> | undefined

  constructor(options: PoolOptions) {
    const warnings: string[] = []
    this.config = resolvePoolConfig(options, (message) => warnings.push(message))
    const config = this.config
    this.#log = createLogger(config.logger, config.name)
    for (const warning of warnings) this.#log('warn', warning)
    this.#workflows = new Workflows(
      { clock: config.clock, log: this.#log, preWarm: config.preWarm, max: config.max, open: (need) => this.#primary.preWarm(need) },
      config.workflowHistorySize,
    )
    // one catalog for every node, so a fingerprint counts its runs on the replicas too
    this.#statements = new StatementCatalog(config.patterns, config.dialect.kind, () => config.clock.now())
    this.patterns = new QueryPatterns(this.#statements.patterns, { forecast: () => this.forecast() })
    this.#primary = new ConnectionPool(config, this.#log, { workflows: this.#workflows.tracker, statements: this.#statements })
    // each replica is a pool of its own, with the primary's sizes and timers
    this.#router =
      config.replicas.length === 0
        ? undefined
        : new Router(this.#primary, config.replicas, (dialect, name) => this.#openReplica(options, dialect, name), config.routing, config.clock, this.#log)
    this.#messages = new MessageApi(this)
  }

  on<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#primary.events.on(event, listener)
    return this
  }

  off<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#primary.events.off(event, listener)
    return this
  }

  once<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#primary.events.once(event, listener)
    return this
  }

  /**
   * Opens `min` connections and resolves when they are open. Rejects with the
   * connection error if the database cannot be reached (the pool keeps trying
   * in the background; calling `ready()` again waits again).
   */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new PoolClosedError(this.config.name, 'get ready'))
    if (!this.#started) this.#start()
    this.#readyPromise ??= this.#primary
      .ready()
      .then(() => this.#routing)
      .catch((error: unknown) => {
        // let a later ready() try again
        this.#readyPromise = undefined
        throw error
      })
    return this.#readyPromise
  }

  /** Borrows a connection, waiting up to `acquireTimeoutMillis` in FIFO order. */
  acquire(options?: AcquireOptions): Promise<PoolConnection> {
    const target = options?.target
    if (target !== undefined && target !== 'primary' && this.#router) {
      if (this.closed) return Promise.reject(new PoolClosedError(this.config.name, 'acquire'))
      if (!this.#started) this.#start()
      return this.#router.acquire(target === 'statement' ? 'auto' : target, options?.workflowId)
    }
    if (!this.#started) this.#start()
    // without pipelining, a statement-level handle would borrow a lease per statement all the same: lend one
    if (target === 'statement' && this.#primary.pipelines) {
      if (this.closed) return Promise.reject(new PoolClosedError(this.config.name, 'acquire'))
      this.#statementKinds ??= new StatementKinds(this.config.dialect)
      return Promise.resolve(statementConnection(this.#primary, this.#statementKinds, options?.workflowId))
    }
    return this.#primary.acquireLease(options?.workflowId)
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
   * fails). A transaction needs one session, so `target: 'auto'` runs it on
   * the primary; `'replica'` on a healthy replica (read-only there).
   */
  async transaction<T>(fn: (tx: PoolConnection) => Promise<T>, options?: AcquireOptions): Promise<T> {
    const tx = await this.#transactionLease(options)
    // with replicas, the router sees the commit on the primary's lease and moves the scope's reads to where the write is visible
    return runTransaction(tx, fn, this.config.dialect.beginStatement ?? 'BEGIN', this.#log)
  }

  /**
   * Borrows a connection, runs one statement, gives it back. `sql` is the
   * text, or pg's object form `{ text, values }` (mysql2's `{ sql, values }`).
   */
  query<R = Row>(sql: Statement, params?: Params, options?: QueryOptions & { fetch?: 'all' | 'many' }): Promise<R[]>
  query<R = Row>(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'one' }): Promise<R | undefined>
  query(sql: Statement, params: Params | undefined, options: QueryOptions & { fetch: 'none' }): Promise<WriteResult>
  query(sql: Statement, params?: Params, options?: QueryOptions): Promise<unknown> {
    // the common call (no replicas, no fallback) takes one async step from here to the driver and back
    if (this.#router !== undefined || this.config.breaker?.fallback !== undefined) return this.#queryRouted(sql, params, options)
    try {
      checkFetch('query', options)
      // a string and an array (or nothing) is what readStatement() would answer: nothing to allocate for it
      if (typeof sql === 'string' && (params === undefined || Array.isArray(params))) return this.#primary.query(sql, params, options)
      const statement = readStatement('query', sql, params)
      return this.#primary.query(statement.sql, statement.params, options)
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  async #queryRouted(sql: Statement, params: Params | undefined, options: QueryOptions | undefined): Promise<unknown> {
    checkFetch('query', options)
    return shapeRows(await this.#executeOrFallBack('query', sql, params, options), options)
  }

  /**
   * Borrows a connection, runs one statement, gives it back; returns the full
   * result. While the primary's breaker is open, a read that no replica can
   * take goes to `breaker.fallback` when there is one.
   */
  execute<R = Row>(sql: Statement, params?: Params, options?: ExecuteOptions): Promise<QueryResult<R>> {
    // as query(): the common call (no replicas, no fallback) adds no async step of its own (ORMs such as Drizzle's adapter call this per statement)
    if (this.#router !== undefined || this.config.breaker?.fallback !== undefined) return this.#executeOrFallBack<R>('execute', sql, params, options)
    try {
      if (typeof sql === 'string' && (params === undefined || Array.isArray(params))) return this.#primary.execute<R>(sql, params, options)
      const statement = readStatement('execute', sql, params)
      return this.#primary.execute<R>(statement.sql, statement.params, options)
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  async #executeOrFallBack<R>(call: string, statement: Statement, values: Params | undefined, options: ExecuteOptions | undefined): Promise<QueryResult<R>> {
    const { sql, params } = readStatement(call, statement, values)
    const running = this.#execute<R>(sql, params, options)
    const fallback = this.config.breaker?.fallback
    if (fallback === undefined) return running
    return running.catch((error: unknown) => readFallback(fallback, error, sql, params, options?.hint ?? this.#router?.kindOf(sql, undefined) ?? this.config.dialect.classify?.(sql) ?? 'unknown'))
  }

  #execute<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined): Promise<QueryResult<R>> {
    if (!this.#router) return this.#primary.execute<R>(sql, params, options)
    if (!this.#started) this.#start()
    return this.#router.execute<R>(sql, params, options)
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
    if (this.closed) throw new PoolClosedError(this.config.name, 'open a pipeline')
    return new Pipeline(this.#primary.pipelineHost, options)
  }

  /**
   * The guide's message API: `initialize`, `acquire`, `execute`, `release`,
   * `stats`. The result is typed by the operation.
   *
   * ```ts
   * const { connectionId } = await pool.process({ operation: 'acquire' })
   * ```
   */
  process<M extends PoolMessage>(message: M): Promise<ResultOf<M>> {
    return this.#messages.process(message)
  }

  /**
   * Opens a workflow scope. With `preWarm`, opens as many connections as runs
   * of this type needed at their busiest recently (90th percentile, at most
   * `max`) and resolves when they are open.
   */
  async onWorkflowStart(workflowId: string, workflowType: string): Promise<{ preWarmed: number }> {
    if (this.closed) throw new PoolClosedError(this.config.name, 'start a workflow')
    if (!this.#started) this.#start()
    return this.#workflows.start(workflowId, workflowType)
  }

  /** Closes a workflow scope, releasing (and counting) every connection it still holds. */
  async onWorkflowComplete(workflowId: string): Promise<WorkflowCompletion> {
    return this.#workflows.complete(workflowId)
  }

  /**
   * Runs `fn` as a workflow of `workflowType`: pre-warms, attributes every
   * acquire inside `fn` (across awaits) to the workflow, and releases what
   * `fn` forgot when it ends.
   */
  async runWorkflow<T>(workflowType: string, fn: (workflowId: string) => Promise<T>, options?: { workflowId?: string }): Promise<T> {
    if (this.closed) throw new PoolClosedError(this.config.name, 'start a workflow')
    if (!this.#started) this.#start()
    // a workflow is also a read-your-writes scope when reads are routed
    return this.#workflows.run(workflowType, fn, options?.workflowId, this.#router ? inNewConsistencyScope : runDirectly)
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

  /**
   * What the pool expects of its workload: peak hours, the arrival rate now
   * and next hour, a recommended size (Little's law plus headroom), and how
   * sure it is (`'not enough data'` rather than a guess). See docs/learning.md.
   */
  forecast(): WorkloadForecast {
    if (!this.#primary.learning) throw new CapabilityError('forecast() needs learning, which this pool has off (learning: false)')
    return this.#primary.learning.forecast()
  }

  /** Recent peak connection counts per workflow type, as pre-warming sees them. */
  workflowHistory(): Record<string, readonly number[]> {
    return this.#workflows.tracker.history.snapshot()
  }

  stats(): PoolStats {
    return { ...this.#primary.stats(), workflows: this.#workflows.stats() }
  }

  /**
   * The engine's instruments, read now: per node (the primary, then each
   * replica) connections by state, cumulative histograms in seconds (acquire
   * wait, usage time, creation time, query duration by operation and main
   * table, batch sizes), counters (timeouts, connections created, closed and
   * failed by reason, query errors by class, statement cache), the breaker;
   * and the router's decisions. The same bookkeeping `stats()` reads:
   * exporters such as `@sluice/prometheus` call this at scrape time.
   */
  metrics(): PoolMetrics {
    const routing = this.#router?.stats()
    return {
      pool: this.config.name,
      closed: this.closed,
      nodes: [this.#primary.metrics('primary'), ...(this.#router?.replicaMetrics() ?? [])],
      routing: routing && { readsToReplicas: routing.readsToReplicas, readsToPrimary: routing.readsToPrimary, writes: routing.writes, fallbacks: routing.fallbacks },
      workflows: this.#workflows.stats(),
    }
  }

  /**
   * How the pool is doing, for a readiness probe: `up`, `degraded` (serving,
   * with a problem: a replica out of rotation, saturation, failing connects
   * beside open connections, a half-open breaker) or `down` (the primary's
   * breaker open, no connection and connects failing, closed), with one
   * reason per problem and each node's state. Read from what the pool
   * already knows; `ping: true` also runs the health-check statement on the
   * primary and each replica, at once (each within `healthCheckTimeoutMillis`).
   * Never names a secret.
   *
   * ```ts
   * app.get('/ready', async (_req, res) => {
   *   const health = await pool.health()
   *   res.status(health.status === 'down' ? 503 : 200).json(health)
   * })
   * ```
   */
  async health(options?: { ping?: boolean }): Promise<PoolHealth> {
    const ping = options?.ping ?? false
    if (typeof ping !== 'boolean') throw new ArgumentError('health', 'options.ping', 'must be a boolean')
    const [primary, replicas] = await Promise.all([this.#primary.healthFacts(ping), this.#router?.replicaFacts(ping) ?? []])
    return assessHealth(primary, replicas)
  }

  /**
   * Shuts down gracefully: new acquires (and queries) fail at once with
   * `PoolClosedError` and waiting ones are failed; borrowed connections
   * (running statements, open transactions) get up to `timeoutMillis`
   * (default `closeTimeoutMillis`) to finish and come back; then every
   * connection is closed, the replicas' too, forcibly after the deadline.
   * Later calls return the first call's promise.
   *
   * ```ts
   * process.once('SIGTERM', () => void pool.close({ timeoutMillis: 10_000 }))
   * ```
   */
  close(options?: { timeoutMillis?: number }): Promise<void> {
    if (this.#closePromise) return this.#closePromise
    const timeoutMillis = options?.timeoutMillis
    if (timeoutMillis !== undefined && (!Number.isInteger(timeoutMillis) || timeoutMillis < 0 || timeoutMillis > MAX_TIMER_MILLIS)) {
      return Promise.reject(new ArgumentError('close', 'options.timeoutMillis', 'must be a whole number of milliseconds, 0 to 2147483647'))
    }
    const started = this.config.clock.now()
    this.#log('info', `closing (waiting up to ${timeoutMillis ?? this.config.closeTimeoutMillis}ms for borrowed connections)`, { timeoutMillis: timeoutMillis ?? this.config.closeTimeoutMillis })
    this.#closePromise = Promise.all([this.#primary.close(timeoutMillis), this.#router?.close(timeoutMillis)]).then(() => {
      this.#log('info', `closed in ${Math.round(this.config.clock.now() - started)}ms`, { durationMs: this.config.clock.now() - started })
    })
    return this.#closePromise
  }

  get closed(): boolean {
    return this.#primary.closed
  }

  /** Starts what works in the background: the primary's housekeeping, and the replicas' pools and checks. */
  #start(): void {
    this.#started = true
    this.#routing = this.#router?.start().catch((error: unknown) => this.#log('error', 'routing could not start', { error }))
  }

  /** A replica's pool, whose breaker changes are the pool's `breaker` events too. */
  #openReplica(options: PoolOptions, dialect: Dialect<any>, name: string): ConnectionPool {
    const replica = openReplica(options, dialect, name, this.#statements)
    replica.events.on('breaker', (transition) => this.#primary.events.emit('breaker', transition))
    return replica
  }

  #transactionLease(options: AcquireOptions | undefined): Promise<Lease> {
    if (options?.target === 'replica' && this.#router) {
      if (!this.#started) this.#start()
      const lease = this.#router.replicaLease()
      if (lease) return lease
    }
    if (!this.#started) this.#start()
    return this.#primary.acquireLease(options?.workflowId)
  }
}

/** Creates a pool. Validates the options now; connects lazily (or at `ready()`). */
export function createPool(options: PoolOptions): Pool {
  return new Pool(options)
}

/** A replica's pool: the primary's options on the replica's dialect, logging under the replica's name. */
function openReplica(options: PoolOptions, dialect: Dialect<any>, name: string, statements: StatementCatalog): ConnectionPool {
  const warnings: string[] = []
  const config = resolvePoolConfig({ ...options, dialect, name, replicas: [], routing: undefined }, (message) => warnings.push(message))
  const log = createLogger(config.logger, name)
  for (const warning of warnings) log('warn', warning)
  return new ConnectionPool(config, log, { workflows: undefined, statements })
}

function inNewConsistencyScope<U>(run: () => Promise<U>): Promise<U> {
  return runInConsistencyScope(new ConsistencyScope(), run)
}

function runDirectly<U>(run: () => Promise<U>): Promise<U> {
  return run()
}
