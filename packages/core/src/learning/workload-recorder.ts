import type { DemandBuckets } from './demand-buckets.js'

/** A minute observed for less than this (the pool started or stopped in it) is not counted. */
const LEAST_OBSERVED_MILLIS = 10_000
const MINUTE = 60_000
/** Time constant of the recent averages adaptive sizing reads: about the last minute. */
const RECENT_MILLIS = 60_000

/** One observation, taken at each housekeeping tick. */
export interface WorkloadSample {
  /** Wall-clock time, for the calendar buckets. */
  readonly epochMillis: number
  /** Acquires so far (served or timed out): a running total. */
  readonly arrivals: number
  /** Connections in demand right now: lent, held by the pool, or waited for. */
  readonly demand: number
}

/**
 * The pool's only bookkeeping of its workload. It reads running totals the
 * pool keeps anyway (acquires served and timed out, the bag's load) once per
 * housekeeping tick, so the borrow path pays nothing for it. It folds each
 * minute into the calendar buckets the forecast reads, and keeps the recent
 * arrival rate and demand adaptive sizing reads.
 */
export class WorkloadRecorder {
  readonly #buckets: DemandBuckets
  #last: WorkloadSample | undefined
  #minute = -1
  #minuteArrivals = 0
  #minuteBusy = 0
  #minuteObserved = 0
  #recentRate = 0
  #recentDemand = 0

  constructor(buckets: DemandBuckets) {
    this.#buckets = buckets
  }

  /** Acquires per second, averaged over about the last minute. */
  get recentRate(): number {
    return this.#recentRate
  }

  /** Connections in demand, averaged over about the last minute. */
  get recentDemand(): number {
    return this.#recentDemand
  }

  observe(sample: WorkloadSample): void {
    const last = this.#last
    this.#last = sample
    if (last === undefined) {
      this.#minute = Math.floor(sample.epochMillis / MINUTE)
      return
    }
    const elapsed = sample.epochMillis - last.epochMillis
    if (elapsed <= 0) return
    const arrivals = Math.max(0, sample.arrivals - last.arrivals)
    // the demand between two ticks: the mean of both ends
    const demand = (last.demand + sample.demand) / 2
    const weight = 1 - Math.exp(-elapsed / RECENT_MILLIS)
    this.#recentRate += weight * ((arrivals * 1000) / elapsed - this.#recentRate)
    this.#recentDemand += weight * (demand - this.#recentDemand)
    const minute = Math.floor(sample.epochMillis / MINUTE)
    if (minute !== this.#minute) this.#closeMinute(minute)
    this.#minuteArrivals += arrivals
    this.#minuteBusy += demand * elapsed
    this.#minuteObserved += elapsed
  }

  /** Folds what the pool saw so far this minute into the buckets (at close), if it saw enough of it. */
  flush(): void {
    this.#closeMinute(this.#minute)
  }

  #closeMinute(next: number): void {
    const observed = this.#minuteObserved
    if (observed >= LEAST_OBSERVED_MILLIS) {
      // scaled to a whole minute, so a tick landing late does not bend the rate
      const scale = MINUTE / observed
      this.#buckets.add(this.#minute * MINUTE, this.#minuteArrivals * scale, this.#minuteBusy / observed)
    }
    this.#minute = next
    this.#minuteArrivals = 0
    this.#minuteBusy = 0
    this.#minuteObserved = 0
  }
}
