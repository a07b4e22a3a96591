import { PoolTimeoutError } from '../../../src/errors/pool-timeout-error.js'
import type { PoolOptions } from '../../../src/config/pool-config.js'
import type { SizeChange } from '../../../src/learning/size-change.js'
import { createPool, type Pool } from '../../../src/pool.js'
import { SimDialect } from './sim-dialect.js'
import { VirtualClock } from './virtual-clock.js'
import { poisson, seededRandom, type Workload } from './workload.js'

/** Monday 5 January 2026, 00:00 UTC: simulations start on a Monday at midnight unless told otherwise. */
export const SIM_EPOCH = Date.UTC(2026, 0, 5)

export interface SimulationOptions {
  readonly workload: Workload
  /** The pool under test (its dialect and clock are the simulation's). */
  readonly pool?: Omit<Partial<PoolOptions>, 'dialect' | 'clock'>
  readonly startEpochMillis?: number
  readonly seed?: number
  readonly connectMillis?: number
  /** The server's `max_connections`. */
  readonly serverMaxConnections?: number
  /** Arrivals are drawn per step of this length (shorter resolves bursts, longer runs days faster). Defaults to 1 000. */
  readonly arrivalStepMillis?: number
}

/** What one run measured. */
export interface SimulationReport {
  readonly simulatedMillis: number
  readonly arrivals: number
  readonly served: number
  readonly timeouts: number
  readonly meanAcquireWaitMillis: number
  readonly p99AcquireWaitMillis: number
  /** Time connections were lent / time they were open. */
  readonly utilization: number
  /** What the open connections cost the server: the sum of their open times, in seconds. */
  readonly connectionSeconds: number
  /** The most connections open at once. */
  readonly peakConnections: number
  readonly sizeChanges: number
  /** The most size changes in any one minute. */
  readonly maxSizeChangesPerMinute: number
}

/**
 * Replays a synthetic workload against a real pool on the simulated
 * database and the virtual clock: arrivals drawn per second from the
 * workload's rate (Poisson), each holding a connection for a drawn time.
 * Days of workload run in seconds, the same every time for a seed. For tests
 * (`run()` in steps and look at the pool between them) and for tuning.
 */
export class Simulation {
  readonly clock: VirtualClock
  readonly dialect: SimDialect
  readonly pool: Pool
  readonly changes: SizeChange[] = []
  readonly #workload: Workload
  readonly #random: () => number
  readonly #waits: number[] = []
  readonly #openedAt = new Map<string, number>()
  readonly #start: number
  #arrivals = 0
  #timeouts = 0
  #heldMillis = 0
  #connectionMillis = 0
  #peakConnections = 0
  #arriving = false
  readonly #step: number

  constructor(options: SimulationOptions) {
    this.#start = options.startEpochMillis ?? SIM_EPOCH
    this.clock = new VirtualClock(this.#start)
    this.dialect = new SimDialect(this.clock, { connectMillis: options.connectMillis, maxConnections: options.serverMaxConnections })
    this.#workload = options.workload
    this.#step = options.arrivalStepMillis ?? 1000
    this.#random = seededRandom(options.seed ?? 1)
    // no lifetime recycling by default: its jitter is Math.random(), and a run must replay exactly
    this.pool = createPool({ min: 0, max: 20, breaker: false, logger: false, acquireTimeoutMillis: 5_000, maxLifetimeMillis: 0, ...options.pool, dialect: this.dialect, clock: this.clock })
    this.pool.on('connect', (id) => {
      this.#openedAt.set(id, this.clock.now())
      this.#peakConnections = Math.max(this.#peakConnections, this.#openedAt.size)
    })
    this.pool.on('remove', (id) => {
      const at = this.#openedAt.get(id)
      if (at !== undefined) this.#connectionMillis += this.clock.now() - at
      this.#openedAt.delete(id)
    })
    this.pool.on('resize', (change) => this.changes.push(change))
  }

  /** Runs the workload (and the pool's timers) until `epochMillis`. */
  async runUntil(epochMillis: number): Promise<void> {
    if (!this.#arriving) {
      this.#arriving = true
      this.#everyStep()
    }
    await this.clock.runUntil(epochMillis)
  }

  /** Runs for `millis` more. */
  run(millis: number): Promise<void> {
    return this.runUntil(this.clock.now() + millis)
  }

  report(): SimulationReport {
    const now = this.clock.now()
    let connectionMillis = this.#connectionMillis
    for (const at of this.#openedAt.values()) connectionMillis += now - at
    const waits = [...this.#waits].sort((a, b) => a - b)
    const perMinute = new Map<number, number>()
    for (const change of this.changes) perMinute.set(Math.floor(change.at / 60_000), (perMinute.get(Math.floor(change.at / 60_000)) ?? 0) + 1)
    return {
      simulatedMillis: now - this.#start,
      arrivals: this.#arrivals,
      served: waits.length,
      timeouts: this.#timeouts,
      meanAcquireWaitMillis: waits.length === 0 ? 0 : waits.reduce((a, b) => a + b, 0) / waits.length,
      p99AcquireWaitMillis: waits.length === 0 ? 0 : waits[Math.min(waits.length - 1, Math.ceil(0.99 * waits.length) - 1)]!,
      utilization: connectionMillis === 0 ? 0 : this.#heldMillis / connectionMillis,
      connectionSeconds: connectionMillis / 1000,
      peakConnections: this.#peakConnections,
      sizeChanges: this.changes.length,
      maxSizeChangesPerMinute: Math.max(0, ...perMinute.values()),
    }
  }

  async close(): Promise<void> {
    this.#arriving = false
    let closed = false
    const closing = this.pool.close().then(() => (closed = true))
    // the close waits on the clock (borrowed connections, their statements)
    while (!closed) await this.clock.runUntil(this.clock.now() + 1_000)
    await closing
  }

  /** Draws this step's arrivals and spreads them over it. */
  #everyStep(): void {
    if (!this.#arriving) return
    const step = this.#step
    const count = poisson((this.#workload.rate(this.clock.now()) * step) / 1000, this.#random)
    for (let i = 0; i < count; i++) this.clock.setTimeout(() => this.#arrive(), Math.floor(this.#random() * step))
    this.clock.setTimeout(() => this.#everyStep(), step)
  }

  #arrive(): void {
    this.#arrivals++
    const started = this.clock.now()
    this.pool.acquire().then(
      (connection) => {
        const acquired = this.clock.now()
        this.#waits.push(acquired - started)
        const hold = this.#workload.holdMillis(this.#random)
        connection
          .execute(`WORK ${hold}`)
          .finally(() => {
            this.#heldMillis += this.clock.now() - acquired
            connection.release()
          })
          .catch(() => undefined)
      },
      (error: unknown) => {
        if (error instanceof PoolTimeoutError) this.#timeouts++
      },
    )
  }
}
