/**
 * Upper bounds, in seconds, of the latency histograms: 100 µs to 60 s, about
 * three per decade, so that a pool lending in microseconds and a report
 * query taking seconds both fall in buckets that tell something. Fixed for
 * every pool and every instance, so that the buckets sum across instances.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
])

/** Upper bounds of the pipeline batch-size histogram (statements per batch). */
export const BATCH_SIZE_BUCKETS: readonly number[] = Object.freeze([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])

/** What a histogram reads as: Prometheus' cumulative shape. */
export interface HistogramSnapshot {
  /** The upper bounds, ascending; the `+Inf` bucket is implied by `count`. */
  readonly bounds: readonly number[]
  /** Observations <= each bound (cumulative), one per bound. */
  readonly cumulative: readonly number[]
  readonly count: number
  readonly sum: number
}

/**
 * A cumulative histogram with fixed bucket bounds: every observation ever
 * made, counted per bucket, never forgotten (unlike `LatencyWindow`), so
 * that rates and quantiles can be computed by whoever scrapes it, over any
 * period and across instances. Recording is a short scan of the bounds and
 * two additions.
 */
export class Histogram {
  readonly bounds: readonly number[]
  /**
   * The same bounds in a plain array, for `observe()`: the exported bounds
   * are frozen, and V8's optimizing compiler does not inline an indexed load
   * from a frozen array (it calls the generic KeyedLoadIC, about 60
   * instructions, on every observation).
   */
  readonly #scan: number[]
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly #counts: number[]
  #count = 0
  #sum = 0

  constructor(bounds: readonly number[]) {
    this.bounds = bounds
    this.#scan = [...bounds]
    // a plain array: allocating a typed array costs more than the whole of a record()
    this.#counts = new Array<number>(bounds.length + 1).fill(0)
  }

  observe(value: number): void {
    const bounds = this.#scan
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.#counts[i]!++
    this.#count++
    this.#sum += value
  }

  get count(): number {
    return this.#count
  }

  get sum(): number {
    return this.#sum
  }

  snapshot(): HistogramSnapshot {
    const cumulative: number[] = []
    let running = 0
    for (let i = 0; i < this.bounds.length; i++) {
      running += this.#counts[i]!
      cumulative.push(running)
    }
    return { bounds: this.bounds, cumulative, count: this.#count, sum: this.#sum }
  }

  /**
   * The `q`-quantile (0..1) estimated from the buckets, interpolated linearly
   * inside the bucket it falls in (as PromQL's histogram_quantile does); 0
   * before the first observation, the largest bound when it falls in `+Inf`.
   */
  quantile(q: number): number {
    if (this.#count === 0) return 0
    const rank = q * this.#count
    let below = 0
    for (let i = 0; i < this.bounds.length; i++) {
      const inBucket = this.#counts[i]!
      if (below + inBucket >= rank && inBucket > 0) {
        const lower = i === 0 ? 0 : this.bounds[i - 1]!
        return lower + (this.bounds[i]! - lower) * ((rank - below) / inBucket)
      }
      below += inBucket
    }
    return this.bounds.at(-1) ?? 0
  }
}
