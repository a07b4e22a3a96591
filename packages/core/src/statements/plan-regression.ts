import type { Clock } from '../util/clock.js'
import { LruCache } from './lru-cache.js'

/**
 * Notices a named statement that became much slower than it was unnamed,
 * and demotes it to unnamed for good.
 *
 * PostgreSQL plans a named statement afresh for its first five executions
 * on a connection (custom plans, as an unnamed statement always is); from
 * the sixth on it may switch to one generic plan for all parameter values,
 * when that plan's estimated cost looks no worse. The estimate can be far
 * off: a catalogue query Kysely's migrator runs went from 2 ms to 16-29 ms.
 *
 * So for each SQL text the guard times the first `sampleSize` executions
 * that ran on custom plans (a connection's 1st to 5th) and the first
 * `sampleSize` that may have run on a generic one (6th and later, on any
 * connection), and compares their medians once. When the later median is
 * above `slowdownFactor` times the early one plus `toleranceMillis`, the
 * statement runs unnamed from then on (custom plans, as stock pg); either
 * way the guard stops timing it. The tolerance keeps sub-millisecond noise
 * from demoting anything.
 *
 * Why not `SET plan_cache_mode = force_custom_plan` on every connection:
 * that gives up generic plans everywhere, also where they are the point of
 * preparing (a statement that is expensive to plan and cheap to run), and it
 * is a session setting that an app's own `SET` or a full reset would undo.
 *
 * @internal
 */
export class PlanRegressionGuard {
  /** Executions on custom plans per connection before PostgreSQL may pick a generic plan. */
  static readonly CUSTOM_PLAN_RUNS = 5

  readonly #clock: Clock
  readonly #options: PlanRegressionOptions
  readonly #watched: LruCache<string, Samples>
  readonly #demoted: LruCache<string, true>

  constructor(clock: Clock, options: Partial<PlanRegressionOptions> = {}) {
    this.#clock = clock
    this.#options = { ...DEFAULT_PLAN_REGRESSION_OPTIONS, ...options }
    this.#watched = new LruCache(this.#options.capacity)
    this.#demoted = new LruCache(this.#options.capacity)
  }

  /** True when `sql` was found slower named than unnamed: run it unnamed. */
  isDemoted(sql: string): boolean {
    return this.#demoted.has(sql)
  }

  /** True when the guard has decided about `sql` and times it no more (`time()` would just run it). */
  settled(sql: string): boolean {
    return this.#watched.peek(sql)?.decided === true
  }

  /**
   * Runs one execution of the named statement `sql`, its `execution`th on
   * this connection (1 for the one that parsed it), timing it while the
   * guard still has samples to take. Failed executions are not counted.
   */
  time<T>(sql: string, execution: number, run: () => Promise<T>): Promise<T> {
    const samples = this.#samplesOf(sql)
    // once decided (every statement after its first few runs): the run's own promise, no async frame around it
    if (samples === undefined) return run()
    return this.#timed(sql, samples, execution, run)
  }

  async #timed<T>(sql: string, samples: Samples, execution: number, run: () => Promise<T>): Promise<T> {
    const started = this.#clock.now()
    const result = await run()
    this.#record(sql, samples, execution, this.#clock.now() - started)
    return result
  }

  #samplesOf(sql: string): Samples | undefined {
    let samples = this.#watched.peek(sql)
    if (samples === undefined) {
      if (this.#demoted.has(sql)) return undefined
      samples = { custom: [], later: [], decided: false }
      this.#watched.set(sql, samples)
    }
    return samples.decided ? undefined : samples
  }

  #record(sql: string, samples: Samples, execution: number, millis: number): void {
    const { sampleSize, slowdownFactor, toleranceMillis } = this.#options
    const list = execution <= PlanRegressionGuard.CUSTOM_PLAN_RUNS ? samples.custom : samples.later
    if (list.length < sampleSize) list.push(millis)
    if (samples.custom.length < sampleSize || samples.later.length < sampleSize) return
    samples.decided = true
    if (median(samples.later) > median(samples.custom) * slowdownFactor + toleranceMillis) this.#demoted.set(sql, true)
  }
}

/** The guard's thresholds (defaults in {@link DEFAULT_PLAN_REGRESSION_OPTIONS}). @internal */
export interface PlanRegressionOptions {
  /** Executions timed on each side before deciding. */
  readonly sampleSize: number
  /** How many times slower the later median must be. */
  readonly slowdownFactor: number
  /** Added to the threshold, so that noise on fast statements demotes nothing. */
  readonly toleranceMillis: number
  /** SQL texts remembered (watched, and demoted), least recently used forgotten first. */
  readonly capacity: number
}

export const DEFAULT_PLAN_REGRESSION_OPTIONS: PlanRegressionOptions = Object.freeze({
  sampleSize: 5,
  slowdownFactor: 3,
  toleranceMillis: 2,
  capacity: 2000,
})

interface Samples {
  readonly custom: number[]
  readonly later: number[]
  decided: boolean
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
