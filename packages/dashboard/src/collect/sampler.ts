import { HISTORY_FRAMES } from '../config/defaults.js'
import type { PoolRegistry } from '../registry/pool-registry.js'
import { collectPool } from './collect-pool.js'
import type { DashboardFrame, PoolSnapshot } from './snapshot.js'

/**
 * Samples every registered pool on one unref'd timer, keeps the recent
 * frames for pages that open later, and hands each new frame to the
 * listeners (the event stream).
 */
export class Sampler {
  readonly #registry: PoolRegistry
  readonly #intervalMillis: number
  readonly #now: () => number
  readonly #history: DashboardFrame[] = []
  readonly #listeners = new Set<(frame: DashboardFrame) => void>()
  /** Each pool's last snapshot, for its rates. */
  #previous = new Map<string, { at: number; snapshot: PoolSnapshot }>()
  #timer: NodeJS.Timeout | undefined

  constructor(registry: PoolRegistry, intervalMillis: number, now: () => number) {
    this.#registry = registry
    this.#intervalMillis = intervalMillis
    this.#now = now
  }

  start(): void {
    if (this.#timer) return
    this.sample()
    this.#timer = setInterval(() => this.sample(), this.#intervalMillis)
    // the dashboard's server keeps the process alive while it listens, not the sampling
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.#listeners.clear()
  }

  /** Samples every pool now (closed ones leave first) and publishes the frame. */
  sample(): DashboardFrame {
    const at = this.#now()
    const pools: PoolSnapshot[] = []
    for (const entry of this.#registry.list()) {
      try {
        pools.push(collectPool(entry, { at, previous: this.#previous.get(entry.name) }))
      } catch {
        // a pool whose statistics cannot be read right now sits this frame out; the timer must not throw
      }
    }
    this.#previous = new Map(pools.map((snapshot) => [snapshot.name, { at, snapshot }]))
    const frame: DashboardFrame = { at, intervalMillis: this.#intervalMillis, pools }
    this.#history.push(frame)
    if (this.#history.length > HISTORY_FRAMES) this.#history.shift()
    for (const listener of this.#listeners) {
      try {
        listener(frame)
      } catch {
        // one page's broken stream must not stop the others
      }
    }
    return frame
  }

  /** The recent frames, oldest first. */
  history(): readonly DashboardFrame[] {
    return this.#history
  }

  latest(): DashboardFrame | undefined {
    return this.#history.at(-1)
  }

  subscribe(listener: (frame: DashboardFrame) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
