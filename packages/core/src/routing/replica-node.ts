import type { Dialect } from '../dialect.js'
import type { RoutingNode } from './routing-node.js'

/** One replica as the router sees it: its own pool, and what the last check found. */
export class ReplicaNode {
  readonly name: string
  readonly pool: RoutingNode
  readonly #dialect: Dialect<any>
  /** In rotation: reachable, replicating, and no further behind than allowed. */
  healthy = false
  /** Why it is out of rotation; undefined while healthy. */
  reason: string | undefined = 'not checked yet'
  /** Lag at the last check, in ms (Infinity while replay is stopped). */
  lagMillis: number | undefined
  /** Replay position at the last check (or refresh). */
  replayed: string | undefined
  reads = 0
  #checking: Promise<void> | undefined

  constructor(pool: RoutingNode) {
    this.name = pool.name
    this.pool = pool
    this.#dialect = pool.dialect
  }

  /** Measures lag and replay position; a replica that cannot be reached, or lags, leaves the rotation. */
  check(maxLagMillis: number): Promise<void> {
    this.#checking ??= this.#check(maxLagMillis).finally(() => (this.#checking = undefined))
    return this.#checking
  }

  /** Reads the replay position now (for a read that must see a recent write). */
  async refreshPosition(): Promise<string | undefined> {
    if (!this.#dialect.replayPosition) return undefined
    this.replayed = await this.#withRaw((raw) => this.#dialect.replayPosition!(raw))
    return this.replayed
  }

  /** Reads may go here: its checks pass and its breaker is not open (half-open, it takes the trial calls). */
  get inRotation(): boolean {
    return this.healthy && this.pool.breaker?.state !== 'open'
  }

  takeOut(reason: string): void {
    this.healthy = false
    this.reason = reason
  }

  async #check(maxLagMillis: number): Promise<void> {
    try {
      const [lag, replayed] = await this.#withRaw(async (raw) => [
        await this.#dialect.replicaLag?.(raw),
        await this.#dialect.replayPosition?.(raw),
      ] as const)
      this.lagMillis = lag
      this.replayed = replayed
      if (this.#dialect.replicaLag && lag === undefined) this.takeOut('not replicating')
      else if (lag !== undefined && lag > maxLagMillis) this.takeOut(lag === Infinity ? 'replay stopped' : `lagging ${Math.round(lag)}ms`)
      else {
        this.healthy = true
        this.reason = undefined
      }
    } catch (error) {
      this.takeOut(error instanceof Error ? error.message : String(error))
    }
  }

  async #withRaw<T>(fn: (raw: unknown) => Promise<T>): Promise<T> {
    const lease = await this.pool.acquireLease()
    try {
      // through the connection's actor, like any statement
      return await lease.entry.run(fn)
    } finally {
      lease.release()
    }
  }
}
