import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What a request or workflow has written, so that its later reads go where
 * the write is visible (read-your-writes). One per `pool.scope()` or
 * `pool.runWorkflow()`; found through the async context.
 */
export class ConsistencyScope {
  /**
   * The primary's replication position after the scope's last committed
   * write, where the dialect can tell; undefined when it cannot (the time
   * window decides then).
   */
  writePosition: string | undefined
  /** When the scope last wrote or committed a write (clock ms), for the time-window fallback. */
  wroteAt: number | undefined

  /**
   * Records the position after a commit. Positions only grow on one primary,
   * but two writes of a scope may report theirs out of order: the later one
   * is kept. `reached(a, b)`: whether position `a` is at or past `b`.
   */
  notePosition(position: string | undefined, reached: ((a: string, b: string) => boolean) | undefined): void {
    const known = this.writePosition
    if (position === undefined || known === undefined || reached === undefined) this.writePosition = position
    else if (!reached(known, position)) this.writePosition = position
  }
}

const current = new AsyncLocalStorage<ConsistencyScope>()

export function currentConsistencyScope(): ConsistencyScope | undefined {
  return current.getStore()
}

export function runInConsistencyScope<T>(scope: ConsistencyScope, fn: () => T): T {
  return current.run(scope, fn)
}
