/** Buckets the window is cut into: the window slides one bucket at a time. */
const BUCKETS = 10

/**
 * Calls and failures over the last `windowMillis`, for the breaker's error
 * rate: ten buckets in a ring, so recording a call allocates nothing and
 * reads no clock (the caller passes the time it already has).
 */
export class FailureWindow {
  readonly #windowMillis: number
  readonly #bucketMillis: number
  readonly #calls = new Uint32Array(BUCKETS)
  readonly #failures = new Uint32Array(BUCKETS)
  #index = 0
  /** When the current bucket ends; -Infinity before the first call. */
  #bucketEnd = Number.NEGATIVE_INFINITY
  #totalCalls = 0
  #totalFailures = 0

  constructor(windowMillis: number) {
    this.#windowMillis = windowMillis
    this.#bucketMillis = windowMillis / BUCKETS
  }

  /** Calls in the window as of the last `record()` / `expire()`. */
  get calls(): number {
    return this.#totalCalls
  }

  get failures(): number {
    return this.#totalFailures
  }

  /** failures / calls; 0 with no calls. */
  get rate(): number {
    return this.#totalCalls === 0 ? 0 : this.#totalFailures / this.#totalCalls
  }

  record(now: number, failed: boolean): void {
    if (now >= this.#bucketEnd) this.expire(now)
    this.#calls[this.#index]!++
    this.#totalCalls++
    if (failed) {
      this.#failures[this.#index]!++
      this.#totalFailures++
    }
  }

  /** Drops the buckets that slid out of the window by `now`. */
  expire(now: number): void {
    if (now < this.#bucketEnd) return
    if (now - this.#bucketEnd >= this.#windowMillis) {
      this.reset()
      this.#bucketEnd = now + this.#bucketMillis
      return
    }
    while (now >= this.#bucketEnd) {
      this.#index = (this.#index + 1) % BUCKETS
      this.#totalCalls -= this.#calls[this.#index]!
      this.#totalFailures -= this.#failures[this.#index]!
      this.#calls[this.#index] = 0
      this.#failures[this.#index] = 0
      this.#bucketEnd += this.#bucketMillis
    }
  }

  reset(): void {
    this.#calls.fill(0)
    this.#failures.fill(0)
    this.#totalCalls = 0
    this.#totalFailures = 0
    this.#bucketEnd = Number.NEGATIVE_INFINITY
  }
}
