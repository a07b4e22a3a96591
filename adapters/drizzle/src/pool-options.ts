import type { Dialect, PoolOptions } from '@sluice/core'

/**
 * Sluice's pool options (`min`, `max`, `acquireTimeoutMillis`, health checks,
 * lifetimes, `routing`, `onConnect`, `log`, ...), as `createPool()` takes
 * them. The adapter builds the dialects, so that every connection parses
 * values as Drizzle expects: the primary from `connection`, replicas from the
 * client's own `replicas` option.
 *
 * ```ts
 * drizzle({ connection: url, pool: { max: 20, acquireTimeoutMillis: 5_000 } })
 * ```
 */
export type SluicePoolOptions = Omit<PoolOptions, 'dialect' | 'replicas'>

/** @internal `createPool()`'s options from the adapter's dialects and the user's pool options */
export function poolOptionsOf(options: SluicePoolOptions | undefined, dialect: Dialect<any>, replicas: ReadonlyArray<Dialect<any>> | undefined): PoolOptions {
  if (options !== undefined && 'replicas' in options) {
    // dialects made elsewhere would parse values unlike Drizzle's statements expect
    throw new TypeError("Pass read replicas as the client's `replicas` option (connection strings or options), not as pool.replicas")
  }
  return replicas === undefined ? { ...options, dialect } : { ...options, dialect, replicas }
}
