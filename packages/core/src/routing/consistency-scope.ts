import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What a request or workflow has written, so that its later reads go where
 * the write is visible (read-your-writes). One per `pool.scope()` or
 * `pool.runWorkflow()`; found through the async context.
 */
export class ConsistencyScope {
  /** The primary's replication position after the scope's last write, where the dialect can tell. */
  writePosition: string | undefined
  /** When the scope last wrote (clock ms), for the time-window fallback. */
  wroteAt: number | undefined
}

const current = new AsyncLocalStorage<ConsistencyScope>()

export function currentConsistencyScope(): ConsistencyScope | undefined {
  return current.getStore()
}

export function runInConsistencyScope<T>(scope: ConsistencyScope, fn: () => T): T {
  return current.run(scope, fn)
}
