import { registerPoolMetrics, type PoolMetricsRegistration } from '@sluice/prometheus'
import { Registry } from 'prom-client'
import type { DashboardPool } from '../registry/dashboard-pool.js'
import type { PoolRegistry } from '../registry/pool-registry.js'

/** What `/metrics` serves. */
export interface MetricsSource {
  readonly contentType: string
  /** The Prometheus text exposition of every pool shown, read now. */
  render(): Promise<string>
}

/**
 * `/metrics`: `@sluice/prometheus` on a private prom-client registry (never
 * the global one), each pool shown under its dashboard name as the `pool`
 * label. The pools registered follow the dashboard's at every scrape: a
 * closed or removed pool's series disappear, a new one's appear.
 */
export function createMetricsSource(pools: PoolRegistry): MetricsSource {
  const registry = new Registry()
  const registered = new Map<DashboardPool, { readonly label: string; readonly registration: PoolMetricsRegistration }>()

  const follow = (): void => {
    const shown = new Map(pools.list().map((entry) => [entry.pool, entry.name]))
    for (const [pool, { label, registration }] of registered) {
      if (shown.get(pool) === label) continue
      registration.unregister()
      registered.delete(pool)
    }
    for (const [pool, label] of shown) {
      if (!registered.has(pool)) registered.set(pool, { label, registration: registerPoolMetrics(pool, { registry, label }) })
    }
  }

  return {
    contentType: registry.contentType,
    render() {
      follow()
      return registry.metrics()
    },
  }
}
