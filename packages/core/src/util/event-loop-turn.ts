/**
 * Work on a synchronous driver (better-sqlite3) never leaves the microtask
 * queue: a busy pool can run statement after statement, each resolving the
 * next caller's promise, and timers, I/O and other requests wait until the
 * whole burst is over. `starvingEventLoop()` tells a caller when the event
 * loop has not had a turn for `MAX_STARVE_MILLIS`; the caller then awaits
 * `nextTurn()` before its next synchronous statement.
 */
const MAX_STARVE_MILLIS = 4

let waitingSince = -1

function turned(): void {
  waitingSince = -1
}

export function starvingEventLoop(): boolean {
  const now = performance.now()
  if (waitingSince < 0) {
    // a heartbeat that runs at the loop's next turn; until it has, the loop has not turned
    waitingSince = now
    setImmediate(turned)
    return false
  }
  return now - waitingSince > MAX_STARVE_MILLIS
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
