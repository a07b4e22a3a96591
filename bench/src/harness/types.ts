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
  /**
   * Run this many operations instead (about: rounded up to whole batches per
   * caller), however long they take; for counting instructions under
   * valgrind, where time is 50x slower and means nothing.
   */
  readonly operations?: number
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
  /**
   * The peer library this contender runs, when the case has it in more than
   * one configuration (pg-pool by default and with `idleTimeoutMillis: 0`,
   * say): the report divides Sluice by the library's default and by its
   * fastest configuration in the case.
   */
  readonly library?: string
  /** True for the library's configuration as shipped (no options beyond the pool size). */
  readonly isDefault?: boolean
  /** A full GC where the contender runs, when that is another process (see harness/hosted.ts). */
  collectGarbage?(): Promise<void>
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

/**
 * The machine a case runs on: `quiet` (whatever else the shared machine is
 * doing) or `busy` (the same, plus a neighbour process of ours burning one
 * core for the whole case, as another service on an app server would).
 */
export type MachineLoad = 'quiet' | 'busy'

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
  /** The loads to run each case under; undefined means the scenario's default. */
  readonly loads: readonly MachineLoad[] | undefined
  /** Each contender in a process of its own (see harness/hosted.ts), for the scenarios that build their contenders that way; undefined means the scenario's default. */
  readonly isolate: boolean | undefined
}

/** What a scenario hands back to the CLI once it has run. */
export interface ScenarioResult {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly settings: {
    readonly rounds: number
    readonly seconds: number
    readonly warmupSeconds: number
    readonly loads: readonly MachineLoad[]
    /** Each hosted contender ran in a process of its own. */
    readonly isolated: boolean
    /** Harness options that differ from the defaults ("" when none do). */
    readonly harness: string
  }
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

/** Sluice ÷ one peer library, against its default configuration and against its fastest one in this case. */
export interface LibraryRatio {
  readonly library: string
  /** The default configuration's contender and Sluice's ratio to it (undefined when the default was not measured). */
  readonly byDefault: { readonly name: string; readonly ratio: RatioResult } | undefined
  /** The configuration with the highest median throughput in this case, and Sluice's ratio to it. */
  readonly fastest: { readonly name: string; readonly ratio: RatioResult }
}

export interface CaseResult {
  readonly id: string
  readonly label: string
  readonly load: MachineLoad
  readonly concurrency: number
  readonly unit: string
  readonly contenders: readonly ContenderResult[]
  readonly ratios: readonly RatioResult[]
  /** Per peer library that ran in more than one configuration. */
  readonly libraries: readonly LibraryRatio[]
  readonly extraColumns: NonNullable<BenchCase['extraColumns']>
}
