/**
 * A timer handle as the clock hands it out. A system timer can change its
 * purpose while armed: `ref()` makes it `awaited`, `unref()` `background`.
 */
export interface TimerHandle {
  ref?(): unknown
  unref?(): unknown
}

/**
 * Whether someone waits on a timer, which decides whether it keeps the
 * process alive:
 * - `awaited`: a caller's promise settles when it fires (an acquire timeout
 *   while acquires wait, a connect retry while someone waits, a statement
 *   timeout, `close()`'s drain, a pipeline's flush). It keeps the process
 *   alive, so `await pool.query()` in a plain script always ends in a result
 *   or an error, never a silent exit.
 * - `background`: the engine's own upkeep (housekeeping, health checks,
 *   replica checks). It never keeps the process alive.
 */
export type TimerPurpose = 'awaited' | 'background'

/**
 * Time as the engine sees it. Injected so that tests can move time by hand
 * instead of sleeping (HikariCP's ClockSource). Every timer of the engine
 * goes through it.
 */
export interface Clock {
  /** Milliseconds from an arbitrary origin, monotonic. */
  now(): number
  /** Runs `fn` once after `ms`; `purpose` says whether it keeps the process alive. */
  setTimeout(fn: () => void, ms: number, purpose: TimerPurpose): TimerHandle
  clearTimeout(handle: TimerHandle): void
  /**
   * Wall-clock milliseconds since 1970 at `now()`, for the calendar buckets
   * the workload forecast learns in. Without it, `Date.now()` when the pool
   * is made, moved on by `now()`.
   */
  epochNow?(): number
}

// read once: the global \`performance\` is a lazy getter in Node 20, and going
// through it costs about 7 ns of a clock read's 50 (two reads per acquire + release)
const monotonic = performance

export const systemClock: Clock = {
  now: () => monotonic.now(),
  setTimeout(fn, ms, purpose) {
    const handle = setTimeout(fn, ms)
    if (purpose === 'background') handle.unref()
    return handle
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
  epochNow: () => Date.now(),
}
