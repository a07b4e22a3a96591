/**
 * `@sluice/prometheus`: a Sluice pool's metrics on a prom-client registry,
 * read at scrape time from the engine's own instruments.
 */
export { registerPoolMetrics, type RegisterPoolMetricsOptions, type PoolMetricsRegistration } from './register-pool-metrics.js'
export { METRIC_FAMILIES, type MetricFamily } from './metric-families.js'
export type { MetricsPool } from './pool-collector.js'
