import { settleWithin } from './settle.js'

/** What a call load saw. */
export interface CallLoadReport {
  readonly succeeded: number
  readonly failures: readonly unknown[]
}

/**
 * `workers` callers, each running `call` in a loop until stopped. Every call
 * must settle within `boundMillis`: one that does not is a hung promise, and
 * `stop()` rejects naming it. Failures are kept for the test to judge.
 */
export class CallLoad {
  readonly #name: string
  readonly #call: () => Promise<unknown>
  readonly #boundMillis: number
  readonly #failures: unknown[] = []
  #succeeded = 0
  #running = false
  #workers: Array<Promise<void>> = []

  constructor(name: string, call: () => Promise<unknown>, boundMillis: number) {
    this.#name = name
    this.#call = call
    this.#boundMillis = boundMillis
  }

  start(workers: number): this {
    this.#running = true
    this.#workers = Array.from({ length: workers }, (_, i) => this.#work(i + 1))
    return this
  }

  get succeeded(): number {
    return this.#succeeded
  }

  get failed(): number {
    return this.#failures.length
  }

  async stop(): Promise<CallLoadReport> {
    this.#running = false
    await Promise.all(this.#workers)
    return { succeeded: this.#succeeded, failures: [...this.#failures] }
  }

  async #work(worker: number): Promise<void> {
    for (let n = 1; this.#running; n++) {
      const settled = await settleWithin(`${this.#name}: call ${n} of worker ${worker}`, this.#call(), this.#boundMillis)
      if (settled.ok) this.#succeeded++
      else this.#failures.push(settled.error)
      // a failing call returns at once: give the event loop (and the pool's timers) a turn
      await new Promise((resolve) => setTimeout(resolve, settled.ok ? 0 : 10))
    }
  }
}
