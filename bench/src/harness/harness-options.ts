/**
 * How the harness takes a number, as opposed to what it measures. Each knob
 * exists so that its effect on the result can be shown (or shown to be
 * nil) by `tools/harness-matrix.ts`: a ratio that moves when only these
 * change is an artefact of the harness, not a property of the pools.
 *
 * They travel in an environment variable so that a contender running in a
 * process of its own (`--isolate`) measures exactly as the parent would.
 */
export interface HarnessOptions {
  /** A full GC before each measurement. Defaults to true. */
  readonly gcBeforeMeasuring: boolean
  /**
   * Seconds of unmeasured work between that GC and the measurement. A full
   * GC can free the hidden classes a pool's optimized code was built for
   * (when no object of them is alive, as happens to Sluice's leases between
   * rounds) and so throw that code away; without this, every round would
   * start by re-optimizing. Defaults to 0.2; 0 turns it off.
   */
  readonly rewarmSeconds: number
  /**
   * The acquire/release loop compiled once per contender (the default), or
   * one loop shared by every contender, so that its call sites see every
   * pool's classes (megamorphic inline caches).
   */
  readonly sharedCycleLoop: boolean
  /** Acquire/release cycles between two clock reads in that loop. Defaults to 64. */
  readonly cyclesPerClockRead: number
}

const ENV = 'SLUICE_BENCH_HARNESS'

const DEFAULTS: HarnessOptions = { gcBeforeMeasuring: true, rewarmSeconds: 0.2, sharedCycleLoop: false, cyclesPerClockRead: 64 }

let cached: HarnessOptions | undefined

export function harnessOptions(): HarnessOptions {
  cached ??= { ...DEFAULTS, ...(JSON.parse(process.env[ENV] ?? '{}') as Partial<HarnessOptions>) }
  return cached
}

/** Sets the options for this process and every process it starts from now on. */
export function setHarnessOptions(options: Partial<HarnessOptions>): void {
  cached = { ...harnessOptions(), ...options }
  process.env[ENV] = JSON.stringify(cached)
}

/** The options that differ from the defaults, for the report ("" when none do). */
export function describeHarnessOptions(): string {
  const o = harnessOptions()
  const parts: string[] = []
  if (!o.gcBeforeMeasuring) parts.push('no GC between rounds')
  else if (o.rewarmSeconds !== DEFAULTS.rewarmSeconds) parts.push(o.rewarmSeconds === 0 ? 'no re-warm after the GC' : `${o.rewarmSeconds} s re-warm after the GC`)
  if (o.sharedCycleLoop) parts.push('one acquire/release loop shared by all pools')
  if (o.cyclesPerClockRead !== DEFAULTS.cyclesPerClockRead) parts.push(`clock read every ${o.cyclesPerClockRead} cycles`)
  return parts.join(', ')
}
