import { ConfigError } from '@sluice/core'
import { checkPool } from '../config/dashboard-options.js'
import type { DashboardPool } from './dashboard-pool.js'
import { EventRecorder } from './event-recorder.js'

export interface RegisteredPool {
  readonly name: string
  readonly pool: DashboardPool
  readonly events: EventRecorder
}

/**
 * The pools a dashboard shows, by name. A pool that has been closed leaves
 * at the next `prune()`; nothing else holds on to it.
 */
export class PoolRegistry {
  readonly #entries = new Map<string, RegisteredPool>()
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  /** Shows `pool` under `name` (defaults to the pool's configured name). */
  add(pool: unknown, name?: unknown): string {
    const checked = checkPool('pool', pool, name)
    const existing = this.#entries.get(checked.name)
    if (existing?.pool === checked.pool) return checked.name
    if (existing) throw new ConfigError('name', checked.name, 'another pool is already shown under this name')
    for (const entry of this.#entries.values()) {
      if (entry.pool === checked.pool) throw new ConfigError('pool', checked.name, `is already shown as "${entry.name}"`)
    }
    this.#entries.set(checked.name, { ...checked, events: new EventRecorder(checked.pool, this.#now) })
    return checked.name
  }

  /** Stops showing a pool, given as itself or by name; true when it was shown. */
  remove(poolOrName: DashboardPool | string): boolean {
    for (const [name, entry] of this.#entries) {
      if (name === poolOrName || entry.pool === poolOrName) {
        entry.events.stop()
        this.#entries.delete(name)
        return true
      }
    }
    return false
  }

  /** Drops every pool that has been closed since. */
  prune(): void {
    for (const entry of [...this.#entries.values()]) {
      if (entry.pool.closed) this.remove(entry.name)
    }
  }

  /** The pools shown now, closed ones already left out, in the order they were added. */
  list(): RegisteredPool[] {
    this.prune()
    return [...this.#entries.values()]
  }

  names(): string[] {
    return this.list().map((entry) => entry.name)
  }

  clear(): void {
    for (const name of [...this.#entries.keys()]) this.remove(name)
  }
}
