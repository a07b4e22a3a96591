/**
 * The vocabulary of the suite. A scenario is a list of cases (one query at one
 * concurrency, say); a case pits contenders against each other in rounds; a
 * round measures every contender once, in a rotating order, so that drift on
 * a shared, noisy machine (another process waking up, the CPU clocking down)
 * lands on all of them rather than on whoever happened to run last.
 */

/** One measurement of one contender. */
export interface Sample {
  /** Operations completed (queries, acquire/release cycles, inserts). */
  readonly ops: number
  /** Wall time the operations took, in seconds. */
  readonly seconds: number
  /**
   * CPU time this process spent (user + system, µs) while measuring; undefined
   * when the work ran elsewhere (pgbench is a separate process).
   */
  readonly cpuMicros: number | undefined
  /** Scenario-specific numbers (acquire-wait percentiles, timeouts, fairness). */
  readonly extra?: Readonly<Record<string, number>>
}

/** What a round asks of a contender. */
export interface MeasureOptions {
  /** Concurrent callers (closed loop: each issues its next operation when the last one is done). */
  readonly concurrency: number
  /** How long to run. */
  readonly seconds: number
}

/**
 * One contestant in one case. `role` tells the report how to treat it:
 * `sluice` is the numerator of every ratio, `peer` a denominator, `ceiling` a
 * reference that is not a pool at all (pgbench, or a hand-written floor).
 */
export interface Contender {
  readonly name: string
  readonly role: 'sluice' | 'peer' | 'ceiling'
  /**
   * The correctness guard, run once per round before measuring: throws when
   * the contender returns a wrong result, so that a broken setup cannot post a
   * fast number.
   */
  check(): Promise<void>
  measure(options: MeasureOptions): Promise<Sample>
  /** False for a contender with nothing to warm in this process (pgbench runs in its own). Defaults to true. */
  readonly warmUp?: boolean
}

/** A contender that could not be set up, kept so the report says why instead of silently dropping it. */
export interface Unavailable {
  readonly name: string
  readonly reason: string
}

/** One comparison: the same work, at one concurrency, across contenders. */
export interface BenchCase {
  readonly id: string
  readonly label: string
  readonly concurrency: number
  /** What is counted: `queries`, `cycles` (acquire + release), `inserts`. */
  readonly unit: string
  readonly contenders: readonly Contender[]
  /** Per-case measuring time; defaults to the run's `--seconds`. */
  readonly seconds?: number
  /** Extra columns from `Sample.extra` to show in the table, with their headings. */
  readonly extraColumns?: ReadonlyArray<{ readonly key: string; readonly heading: string; readonly digits?: number }>
}

/** Run-wide knobs from the command line. */
export interface RunSettings {
  /** Measured rounds per case (0 = the scenario's default). */
  readonly rounds: number
  /** Seconds per contender per round (0 = the scenario's default). */
  readonly seconds: number
  /** Seconds of unmeasured warm-up per contender and case (JIT, connections). */
  readonly warmupSeconds: number
  /** Only these concurrencies, when given. */
  readonly concurrency: readonly number[] | undefined
  /** Only contenders whose name contains one of these (case-insensitive), when given; for profiling one pool alone. */
  readonly only: readonly string[] | undefined
  /** Write docs/benchmarks.md sections and docs/benchmarks/*.svg as well as bench/results. */
  readonly writeDocs: boolean
}

/** What a scenario hands back to the CLI once it has run. */
export interface ScenarioResult {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly settings: { readonly rounds: number; readonly seconds: number; readonly warmupSeconds: number }
  readonly cases: readonly CaseResult[]
  readonly unavailable: readonly Unavailable[]
  /** Free-form findings (heap growth, skipped parts), printed and written as bullet points. */
  readonly notes: readonly string[]
  readonly targets: readonly TargetResult[]
  /** Extra Markdown tables a scenario produces itself (soak, contention detail). */
  readonly extraMarkdown?: string
}

export interface TargetResult {
  readonly target: string
  readonly met: boolean | undefined
  readonly detail: string
}

export interface ContenderResult {
  readonly name: string
  readonly role: Contender['role']
  /** Throughput per round (unit/s). */
  readonly samples: readonly number[]
  /** CPU µs per operation per round (empty when not measured). */
  readonly cpuMicrosPerOp: readonly number[]
  /** Sample.extra per round. */
  readonly extras: ReadonlyArray<Readonly<Record<string, number>>>
  readonly summary: Summary
  readonly cpuSummary: Summary | undefined
}

export interface Summary {
  readonly median: number
  readonly q1: number
  readonly q3: number
  readonly min: number
  readonly max: number
  readonly n: number
}

export interface RatioResult {
  /** The peer Sluice is divided by. */
  readonly peer: string
  /** Median of per-round ratios (Sluice in round i ÷ peer in round i): pairs share the round's conditions. */
  readonly median: number
  readonly min: number
  readonly max: number
  /** Ratio of the two medians, for comparison. */
  readonly ofMedians: number
  /**
   * The same comparison by CPU time of this process: peer's CPU per
   * operation ÷ Sluice's, paired per round (above 1: Sluice spends less CPU
   * per operation). Time the process spends descheduled on a busy machine
   * does not count here, so it is steadier than throughput; undefined when
   * either side ran in another process.
   */
  readonly cpu?: { readonly median: number; readonly min: number; readonly max: number }
}

export interface CaseResult {
  readonly id: string
  readonly label: string
  readonly concurrency: number
  readonly unit: string
  readonly contenders: readonly ContenderResult[]
  readonly ratios: readonly RatioResult[]
  readonly extraColumns: NonNullable<BenchCase['extraColumns']>
}
