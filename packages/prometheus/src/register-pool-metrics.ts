import { ArgumentError } from '@sluice/core'
import { register as defaultRegistry, type Registry } from 'prom-client'
import { METRIC_FAMILIES } from './metric-families.js'
import { PoolCollector, type MetricsPool } from './pool-collector.js'

/** Options of `registerPoolMetrics()`. */
export interface RegisterPoolMetricsOptions {
  /** The prom-client registry to register on. Defaults to prom-client's global `register`. */
  readonly registry?: Registry
  /** Prefix of every metric name. Defaults to `'sluice_'`. */
  readonly prefix?: string
  /** The value of the `pool` label. Defaults to the pool's name (`createPool({ name })`). */
  readonly label?: string
}

/** What `registerPoolMetrics()` returns. */
export interface PoolMetricsRegistration {
  /** Stops exporting the pool (a closed pool stops by itself at the next scrape); the metrics leave the registry with the last pool. */
  unregister(): void
}

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const CALL = 'registerPoolMetrics()'

/** One collector per registry and prefix, shared by the pools registered there (a metric name is registered once). */
const collectors = new WeakMap<Registry, Map<string, PoolCollector>>()

/**
 * Exports a pool's metrics (and its replicas') on a prom-client registry,
 * read at scrape time from the engine's own instruments (`pool.metrics()`):
 * nothing is counted twice, nothing can drift. Several pools share one
 * registry, told apart by their `pool` label (their names must differ).
 *
 * ```ts
 * import { register } from 'prom-client'
 * registerPoolMetrics(pool)
 * app.get('/metrics', async (_req, res) => res.type(register.contentType).send(await register.metrics()))
 * ```
 */
export function registerPoolMetrics(pool: MetricsPool, options: RegisterPoolMetricsOptions = {}): PoolMetricsRegistration {
  if (pool === null || typeof pool !== 'object' || typeof pool.metrics !== 'function') throw new ArgumentError(CALL, 'pool', 'must be a Sluice pool (it has no metrics())')
  if (options === null || typeof options !== 'object') throw new ArgumentError(CALL, 'options', 'must be an object')
  const registry = options.registry ?? defaultRegistry
  if (registry === null || typeof registry !== 'object' || typeof registry.registerMetric !== 'function' || typeof registry.removeSingleMetric !== 'function') {
    throw new ArgumentError(CALL, 'options.registry', 'must be a prom-client Registry')
  }
  const prefix = options.prefix ?? 'sluice_'
  if (typeof prefix !== 'string' || (prefix !== '' && !PREFIX.test(prefix))) throw new ArgumentError(CALL, 'options.prefix', `must be a metric name prefix (letters, digits, _ and :), got ${JSON.stringify(prefix)}`)

  const byPrefix = collectors.get(registry) ?? new Map<string, PoolCollector>()
  collectors.set(registry, byPrefix)
  let collector = byPrefix.get(prefix)
  if (collector === undefined) {
    collector = new PoolCollector()
    const metrics = collector.metricsFor(METRIC_FAMILIES, prefix)
    for (const metric of metrics) registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0])
    byPrefix.set(prefix, collector)
  }
  const label = options.label ?? pool.metrics().pool
  if (typeof label !== 'string' || label === '') throw new ArgumentError(CALL, 'options.label', 'must be a non-empty string')
  const pools = collector.pools
  for (const [other, taken] of pools) {
    if (other !== pool && !other.closed && taken === label) {
      throw new ArgumentError(CALL, 'pool', `would be labelled pool=${JSON.stringify(label)} like a pool already registered here: give each pool its own name (or label)`)
    }
  }
  pools.set(pool, label)
  const registered = collector
  return {
    unregister() {
      registered.pools.delete(pool)
      if (registered.pools.size > 0 || byPrefix.get(prefix) !== registered) return
      for (const family of METRIC_FAMILIES) registry.removeSingleMetric(prefix + family.name)
      byPrefix.delete(prefix)
    },
  }
}
