/**
 * Running statistics of a latency: the mean over everything observed, and
 * percentiles over the most recent `capacity` samples (a ring buffer, so
 * recording is O(1) and memory is fixed).
 */
export class LatencyWindow {
  readonly #samples: Float64Array
  #next = 0
  #filled = 0
  #count = 0
  #sum = 0

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity)
  }

  record(millis: number): void {
    this.#samples[this.#next] = millis
    // a compare instead of \`%\`: an integer division costs more than the rest of a record
    if (++this.#next === this.#samples.length) this.#next = 0
    if (this.#filled < this.#samples.length) this.#filled++
    this.#count++
    this.#sum += millis
  }

  get count(): number {
    return this.#count
  }

  /** Mean of every sample ever recorded; 0 before the first. */
  mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count
  }

  /** The `p`-quantile (0..1) of the recent samples, nearest-rank; 0 before the first. */
  percentile(p: number): number {
    if (this.#filled === 0) return 0
    const sorted = this.#samples.slice(0, this.#filled).sort()
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
    return sorted[rank] ?? 0
  }
}
