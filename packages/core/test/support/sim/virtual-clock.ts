import type { Clock, TimerHandle } from '../../../src/util/clock.js'

interface VirtualTimer extends TimerHandle {
  at: number
  seq: number
  fn: (() => void) | undefined
}

/**
 * A clock for simulations: time is wall-clock milliseconds since 1970
 * (`now()` and `epochNow()` agree, so calendar buckets line up), and moves
 * only when the simulation runs it, from one timer to the next, as fast as
 * the engine can handle them. Timers live in a binary heap, so days of
 * workload cost what their events cost, not what their length is.
 */
export class VirtualClock implements Clock {
  #now: number
  #seq = 0
  readonly #heap: VirtualTimer[] = []

  constructor(startEpochMillis: number) {
    this.#now = startEpochMillis
  }

  now(): number {
    return this.#now
  }

  epochNow(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn }
    this.#push(timer)
    return timer
  }

  clearTimeout(handle: TimerHandle): void {
    ;(handle as VirtualTimer).fn = undefined
  }

  /** Runs every timer due up to `until` in time order, letting the promises each one starts settle before the next. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      const next = this.#heap[0]
      if (next === undefined || next.at > until) break
      this.#pop()
      const fn = next.fn
      if (fn === undefined) continue
      next.fn = undefined
      this.#now = Math.max(this.#now, next.at)
      fn()
      await settle()
    }
    this.#now = Math.max(this.#now, until)
    await settle()
  }

  #push(timer: VirtualTimer): void {
    const heap = this.#heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  #pop(): void {
    const heap = this.#heap
    const last = heap.pop()!
    if (heap.length === 0) return
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right
      if (smallest === i) break
      ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
      i = smallest
    }
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

/** Every promise callback queued so far (and those they queue) runs before a macrotask. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
