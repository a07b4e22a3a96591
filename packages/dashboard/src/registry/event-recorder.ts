import type { BreakerTransition, PoolEvents } from '@sluice/core'
import { EVENTS_PER_FRAME } from '../config/defaults.js'
import type { PoolEventKind, PoolEventRecord } from '../collect/snapshot.js'
import { clipText } from '../util/clip-text.js'
import type { DashboardPool } from './dashboard-pool.js'

/**
 * Listens to one pool's `connect`, `remove`, `error` and `breaker` events and keeps
 * those since the last sample (at most a frame's worth: the newest win).
 */
export class EventRecorder {
  readonly #pool: DashboardPool
  readonly #now: () => number
  #pending: PoolEventRecord[] = []
  #dropped = 0
  #seq = 0
  readonly #onConnect = (id: string) => this.#record('connect', id, null)
  readonly #onRemove = (id: string, reason: PoolEvents['remove'][1]) => this.#record('remove', id, reason)
  readonly #onError = (error: Error, id: string | undefined) => this.#record('error', id ?? null, describeError(error))
  readonly #onBreaker = (transition: BreakerTransition) => this.#record('breaker', null, this.#describeTransition(transition))

  constructor(pool: DashboardPool, now: () => number) {
    this.#pool = pool
    this.#now = now
    pool.on('connect', this.#onConnect).on('remove', this.#onRemove).on('error', this.#onError).on('breaker', this.#onBreaker)
  }

  /** The events since the previous call, and how many were left out. */
  drain(): { events: PoolEventRecord[]; dropped: number } {
    const drained = { events: this.#pending, dropped: this.#dropped }
    this.#pending = []
    this.#dropped = 0
    return drained
  }

  stop(): void {
    this.#pool.off('connect', this.#onConnect).off('remove', this.#onRemove).off('error', this.#onError).off('breaker', this.#onBreaker)
  }

  /** `replica-1: closed → open (consecutive-failures)`, the node named as the page names it. */
  #describeTransition(t: BreakerTransition): string {
    // read when a breaker changes, not when the pool is added: a pool whose stats() fails must not keep it off the page
    const poolName = this.#poolName()
    const prefix = `${poolName}/`
    const node = t.node === poolName ? 'primary' : t.node.startsWith(prefix) ? t.node.slice(prefix.length) : t.node
    return clipText(`${node}: ${t.from} → ${t.to} (${t.reason})`)
  }

  #poolName(): string | undefined {
    try {
      return this.#pool.stats().pool.name
    } catch {
      return undefined
    }
  }

  #record(kind: PoolEventKind, connectionId: string | null, detail: string | null): void {
    this.#pending.push({ seq: ++this.#seq, at: this.#now(), kind, connectionId, detail })
    if (this.#pending.length > EVENTS_PER_FRAME) {
      this.#pending.shift()
      this.#dropped++
    }
  }
}

function describeError(error: unknown): string {
  return clipText(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
}
