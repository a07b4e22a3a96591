import type { Summary } from './types.js'

/** Linear-interpolated quantile (p in 0..1) of already sorted values: the usual "type 7" estimator. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const position = (n - 1) * p
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const a = sorted[lower] as number
  const b = sorted[upper] as number
  return a + (b - a) * (position - lower)
}

export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort(byNumber), 0.5)
}

/** Median, quartiles and range: the spread of a handful of rounds is shown, not hidden behind a mean. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort(byNumber)
  return {
    median: quantileSorted(sorted, 0.5),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    n: sorted.length,
  }
}

/**
 * Nearest-rank percentile of latency samples (p in 0..1). Nearest rank, not
 * interpolation: a reported p99 is a wait that some caller actually had.
 */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))
  return sorted[rank] as number
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] as number
  return values.length === 0 ? Number.NaN : sum / values.length
}

/** Population standard deviation. */
export function stddev(values: ArrayLike<number>): number {
  const m = mean(values)
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += ((values[i] as number) - m) ** 2
  return values.length === 0 ? Number.NaN : Math.sqrt(sum / values.length)
}

export function byNumber(a: number, b: number): number {
  return a - b
}

/**
 * A growable buffer of doubles for per-operation latencies: hundreds of
 * thousands of samples per round without boxing each number in an array.
 */
export class SampleBuffer {
  #data = new Float64Array(1 << 14)
  #length = 0

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2)
      bigger.set(this.#data)
      this.#data = bigger
    }
    this.#data[this.#length++] = value
  }

  get length(): number {
    return this.#length
  }

  /** The samples, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.#data.slice(0, this.#length).sort()
  }
}
