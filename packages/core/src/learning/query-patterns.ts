import { ArgumentError } from '../errors/argument-error.js'
import type { PatternTracker, QueryPattern } from './pattern-tracker.js'
import type { WorkloadForecast, WorkloadForecaster } from './workload-forecast.js'

/** Options of `pool.patterns.frequent()`. */
export interface FrequentOptions {
  /** How many patterns, the most frequent first. Defaults to 10. */
  readonly limit?: number
}

/**
 * What the pool has learned of its statements: `pool.patterns`. Every
 * statement of every node (primary and replicas) is fingerprinted and
 * counted in bounded memory (`patterns.capacity`).
 *
 * ```ts
 * for (const p of pool.patterns.frequent({ limit: 5 })) console.log(p.count, p.p95Millis, p.fingerprint)
 * ```
 */
export class QueryPatterns {
  readonly #tracker: PatternTracker
  readonly #forecaster: WorkloadForecaster

  constructor(tracker: PatternTracker, forecaster: WorkloadForecaster) {
    this.#tracker = tracker
    this.#forecaster = forecaster
  }

  /** The workload forecast (peak hours, arrival rate now and next, recommended size, confidence): the same as `pool.forecast()`, see docs/learning.md. */
  forecast(): WorkloadForecast {
    return this.#forecaster.forecast()
  }

  /** The most frequent statement fingerprints, with their counts, rate, mean and p95 duration, errors, tables and last run. */
  frequent(options?: FrequentOptions): QueryPattern[] {
    const limit = options?.limit ?? 10
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw new ArgumentError('patterns.frequent()', 'limit', `must be an integer >= 0, got ${String(limit)}`)
    return this.#tracker.frequent(limit)
  }

  /** Fingerprints tracked now, and the most there can be. */
  get tracked(): { readonly size: number; readonly capacity: number } {
    return { size: this.#tracker.size, capacity: this.#tracker.capacity }
  }
}
