/** A timer handle as the clock hands it out. */
export interface TimerHandle {
  unref?(): unknown
}

/**
 * Time as the engine sees it. Injected so that tests can move time by hand
 * instead of sleeping (HikariCP's ClockSource).
 */
export interface Clock {
  /** Milliseconds from an arbitrary origin, monotonic. */
  now(): number
  /** Runs `fn` once after `ms`; the timer never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms)
    handle.unref()
    return handle
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
}
