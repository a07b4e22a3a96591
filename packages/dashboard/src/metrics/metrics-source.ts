import { Counter, Gauge, Registry } from 'prom-client'
import { collectPool } from '../collect/collect-pool.js'
import type { PoolSnapshot } from '../collect/snapshot.js'
import type { PoolRegistry } from '../registry/pool-registry.js'
import { STATS_METRICS } from './stats-metrics.js'

/** What `/metrics` serves: the one seam `@sluice/prometheus` will plug into. */
export interface MetricsSource {
  readonly contentType: string
  /** The Prometheus text exposition of every pool shown, read now. */
  render(): Promise<string>
}

/**
 * Metrics from the pools' `stats()`, read at scrape time into a private
 * prom-client registry (never the global one). A closed or removed pool's
 * series disappear at the next scrape.
 */
export function createMetricsSource(pools: PoolRegistry, now: () => number): MetricsSource {
  const registry = new Registry()
  const metrics = STATS_METRICS.map((definition) => {
    const options = { name: definition.name, help: definition.help, labelNames: definition.labelNames, registers: [registry] }
    const metric = definition.type === 'counter' ? new Counter(options) : new Gauge(options)
    const write = (labels: Record<string, string>, value: number) =>
      metric instanceof Counter ? metric.inc(labels, value) : metric.set(labels, value)
    return { definition, write }
  })
  // scrapes take turns: each one resets the registry and fills it from scratch
  let queue: Promise<unknown> = Promise.resolve()

  const renderNow = async (): Promise<string> => {
    const snapshots: PoolSnapshot[] = pools.list().map((entry) => collectPool(entry, { at: now(), drainEvents: false }))
    registry.resetMetrics()
    for (const { definition, write } of metrics) {
      for (const snapshot of snapshots) {
        for (const [labels, value] of definition.samples(snapshot)) write(labels, value)
      }
    }
    return registry.metrics()
  }

  return {
    contentType: registry.contentType,
    render() {
      const rendered = queue.then(renderNow, renderNow)
      queue = rendered.catch(() => undefined)
      return rendered
    },
  }
}
