import { harnessOptions } from './harness-options.js'
import type { MeasureOptions, Sample } from './types.js'

/**
 * Closed-loop load: `concurrency` callers, each issuing its next operation as
 * soon as the previous one settles, for `seconds`. This is how an app under
 * load talks to its pool (N requests in flight, each awaiting its query), and
 * it is what "N concurrent callers" means throughout the suite.
 *
 * Operations still in flight at the deadline are awaited and counted, and the
 * wall time includes them, so nothing is cut off or double counted. The first
 * failing operation stops every caller and fails the measurement: a contender
 * that errors posts no number at all.
 */
export async function closedLoop(op: () => Promise<unknown>, options: MeasureOptions, perCaller?: number[]): Promise<Sample> {
  const { concurrency, seconds } = options
  let stop = false
  let ops = 0
  const deadline = options.operations === undefined ? performance.now() + seconds * 1000 : Number.POSITIVE_INFINITY
  const quota = options.operations === undefined ? Number.POSITIVE_INFINITY : Math.ceil(options.operations / concurrency)
  const caller = async (index: number): Promise<void> => {
    let mine = 0
    try {
      while (!stop && mine < quota) {
        await op()
        mine++
        // a clock read per operation is noise next to a database round trip
        if (performance.now() >= deadline) stop = true
      }
    } catch (error) {
      stop = true
      throw error
    } finally {
      ops += mine
      if (perCaller) perCaller[index] = mine
    }
  }
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const results = await Promise.allSettled(Array.from({ length: concurrency }, (_, i) => caller(i)))
  const elapsed = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return { ops, seconds: elapsed, cpuMicros: cpu.user + cpu.system }
}

/** What the acquire/release micro-benchmark needs from a pool. */
export interface CyclePool<R> {
  acquire(): Promise<R>
  release(resource: R): void
}

interface CycleState {
  readonly pool: CyclePool<unknown>
  readonly deadline: number
  /** Cycles between two clock reads. */
  readonly batch: number
  /** Cycles per worker when counting operations instead of time. */
  readonly quota: number
  stop: boolean
}

type CycleWorker = (state: CycleState) => Promise<number>

// Each contender gets its own compiled copy of this loop. With one shared
// function, V8's inline caches at `pool.acquire()` and `pool.release()` would
// see five pool classes and go megamorphic, charging every contender for the
// others' shapes (a few ns per call: a visible share of a ~100 ns cycle).
// `new Function` makes a fresh function (and fresh feedback) per contender.
//
// (`--shared-loop` turns this off, to show what it is worth.)
//
// The clock is read once per 64 cycles (`--clock-every`): a cycle of the
// bare pool costs about as much as performance.now() itself. And no timer
// can stop the loop: an acquire that never waits resolves in the microtask
// queue, which never lets the event loop reach its timers.
const CYCLE_WORKER_SOURCE = `
  return async function cycleWorker(state) {
    const pool = state.pool
    const batch = state.batch
    let cycles = 0
    for (;;) {
      for (let i = 0; i < batch; i++) {
        const resource = await pool.acquire()
        pool.release(resource)
      }
      cycles += batch
      if (state.stop || cycles >= state.quota) return cycles
      if (performance.now() >= state.deadline) {
        state.stop = true
        return cycles
      }
    }
  }
`

let sharedWorker: CycleWorker | undefined

/** A closed-loop acquire/release measurement with a loop compiled for this pool alone (see above). */
export function cycleMeasurer<R>(pool: CyclePool<R>): (options: MeasureOptions) => Promise<Sample> {
  const { sharedCycleLoop, cyclesPerClockRead } = harnessOptions()
  const worker = sharedCycleLoop ? (sharedWorker ??= new Function(CYCLE_WORKER_SOURCE)() as CycleWorker) : (new Function(CYCLE_WORKER_SOURCE)() as CycleWorker)
  return async ({ concurrency, seconds, operations }) => {
    const state: CycleState = {
      pool: pool as CyclePool<unknown>,
      deadline: operations === undefined ? performance.now() + seconds * 1000 : Number.POSITIVE_INFINITY,
      batch: cyclesPerClockRead,
      quota: operations === undefined ? Number.POSITIVE_INFINITY : Math.ceil(operations / concurrency),
      stop: false,
    }
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const counts = await Promise.all(Array.from({ length: concurrency }, () => worker(state)))
    const elapsed = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const ops = counts.reduce((a, b) => a + b, 0)
    return { ops, seconds: elapsed, cpuMicros: cpu.user + cpu.system }
  }
}
