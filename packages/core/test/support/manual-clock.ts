import type { Clock, TimerHandle } from '../../src/util/clock.js'

interface Timer extends TimerHandle {
  at: number
  fn: () => void
  cancelled: boolean
  seq: number
}

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  #now = 1_000
  #seq = 0
  #timers: Timer[] = []

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.#now + Math.max(0, ms), fn, cancelled: false, seq: this.#seq++ }
    this.#timers.push(timer)
    return timer
  }

  clearTimeout(handle: TimerHandle): void {
    ;(handle as Timer).cancelled = true
  }

  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      await flush()
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      due.cancelled = true
      this.#now = Math.max(this.#now, due.at)
      due.fn()
    }
    this.#now = target
    this.#timers = this.#timers.filter((t) => !t.cancelled)
    await flush()
  }
}

/** Lets every pending promise callback run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
