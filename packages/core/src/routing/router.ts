import type { Lease } from '../connection/lease.js'
import type { ExecuteOptions, Params, PoolConnection } from '../connection/pool-connection.js'
import type { Dialect, QueryResult, StatementKind } from '../dialect.js'
import { PoolTimeoutError } from '../errors/pool-timeout-error.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import { currentConsistencyScope, type ConsistencyScope } from './consistency-scope.js'
import type { ReplicaNode } from './replica-node.js'
import type { ResolvedRoutingConfig } from './routing-config.js'

/** What the router needs of the primary pool. */
export interface RoutingPrimary {
  readonly dialect: Dialect<any>
  withConnection<T>(fn: (connection: PoolConnection) => Promise<T>): Promise<T>
}

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
    readonly healthy: boolean
    readonly reason: string | undefined
    readonly lagMillis: number | undefined
    readonly reads: number
    readonly totalConnections: number
    readonly activeConnections: number
  }>
}

/**
 * Sends each statement of `pool.query()` / `pool.execute()` where it belongs:
 * reads (as the dialect's classifier says, or the caller's hint) to a healthy
 * replica that already shows the scope's writes; writes, unknown statements
 * and everything on a borrowed connection to the primary. Measures each
 * replica on a timer and takes one out of rotation while it is down, not
 * replicating or behind `maxReplicaLagMillis`.
 */
export class Router {
  readonly #primary: RoutingPrimary
  readonly #replicas: readonly ReplicaNode[]
  readonly #config: ResolvedRoutingConfig
  readonly #clock: Clock
  readonly #log: Logger
  #next = 0
  #timer: TimerHandle | undefined
  #running = false
  #readsToReplicas = 0
  #readsToPrimary = 0
  #writes = 0
  #fallbacks = 0

  constructor(primary: RoutingPrimary, replicas: readonly ReplicaNode[], config: ResolvedRoutingConfig, clock: Clock, log: Logger) {
    this.#primary = primary
    this.#replicas = replicas
    this.#config = config
    this.#clock = clock
    this.#log = log
  }

  /** Checks every replica once, then keeps checking on a timer. */
  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    await this.checkReplicas()
    this.#schedule()
  }

  stop(): void {
    this.#running = false
    if (this.#timer) this.#clock.clearTimeout(this.#timer)
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

  /** Where a statement goes: the classifier's (or hint's) word, primary when unsure. */
  kindOf(sql: string, hint: StatementKind | undefined): StatementKind {
    return hint ?? this.#primary.dialect.classify?.(sql) ?? 'unknown'
  }

  async execute<R>(sql: string, params: Params | undefined, options: (ExecuteOptions & { hint?: StatementKind }) | undefined): Promise<QueryResult<R>> {
    const scope = currentConsistencyScope()
    if (this.kindOf(sql, options?.hint) === 'read') {
      const replica = await this.#pick(scope)
      if (replica) {
        try {
          const result = await replica.pool.execute<R>(sql, params, options)
          replica.reads++
          this.#readsToReplicas++
          return result
        } catch (error) {
          if (!(error instanceof PoolTimeoutError) && !replica.pool.config.dialect.isFatal(error)) throw error
          // the replica failed, not the statement: a read is safe to run again on the primary
          replica.takeOut(error instanceof Error ? error.message : String(error))
          this.#log('warn', `replica ${replica.name} failed a read (${replica.reason}); reading from the primary`)
          this.#fallbacks++
        }
      }
      this.#readsToPrimary++
      return this.#primary.withConnection((conn) => conn.execute<R>(sql, params, options))
    }
    this.#writes++
    return this.#primary.withConnection(async (conn) => {
      const result = await conn.execute<R>(sql, params, options)
      if (scope) await this.noteWrite(scope, conn)
      return result
    })
  }

  /** Records where a scope's write stands, on the connection that made it (after its commit). */
  async noteWrite(scope: ConsistencyScope, conn: PoolConnection): Promise<void> {
    scope.wroteAt = this.#clock.now()
    scope.writePosition = undefined
    const dialect = this.#primary.dialect
    if (this.#config.readYourWrites !== 'position' || !dialect.writePosition || conn.inTransaction()) return
    scope.writePosition = await (conn as Lease).entry.run((raw) => dialect.writePosition!(raw))
  }

  stats(): RoutingStats {
    return {
      readsToReplicas: this.#readsToReplicas,
      readsToPrimary: this.#readsToPrimary,
      writes: this.#writes,
      fallbacks: this.#fallbacks,
      replicas: this.#replicas.map((replica) => {
        const { currentState } = replica.pool.stats()
        return {
          name: replica.name,
          database: replica.pool.config.dialect.description,
          healthy: replica.healthy,
          reason: replica.reason,
          lagMillis: replica.lagMillis,
          reads: replica.reads,
          totalConnections: currentState.totalConnections,
          activeConnections: currentState.activeConnections,
        }
      }),
    }
  }

  /** A replica for a read in `scope`, or undefined for the primary. */
  async #pick(scope: ConsistencyScope | undefined): Promise<ReplicaNode | undefined> {
    const healthy = this.#replicas.filter((replica) => replica.healthy)
    if (healthy.length === 0) return undefined
    if (!scope || scope.wroteAt === undefined || this.#config.readYourWrites === 'off') return this.#choose(healthy)
    const written = scope.writePosition
    const reached = this.#primary.dialect.positionReached
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
    this.#timer = this.#clock.setTimeout(() => {
      if (!this.#running) return
      this.checkReplicas()
        .catch((error: unknown) => this.#log('error', 'replica check failed', { error }))
        .finally(() => {
          if (this.#running) this.#schedule()
        })
    }, this.#config.replicaCheckIntervalMillis)
  }
}
