import type { PoolMetrics } from '@sluice/core'
import type { Labels, MetricFamily, Sample } from './metric-families.js'

/** What the collector needs of a pool: its instruments, read at scrape time, and whether it is closed. */
export interface MetricsPool {
  metrics(): PoolMetrics
  readonly closed: boolean
}

/** A value line of prom-client's metric shape. */
interface MetricValue {
  readonly value: number
  readonly labels: Labels
  readonly metricName?: string
}

/** The shape prom-client's `Registry` reads from each registered metric. */
export interface RegistryMetric {
  readonly name: string
  readonly help: string
  readonly type: MetricFamily['type']
  readonly aggregator: 'sum'
  get(): Promise<{ name: string; help: string; type: MetricFamily['type']; aggregator: 'sum'; values: MetricValue[] }>
  reset(): void
}

/**
 * The pools of one registry (and prefix), read once per scrape: the first
 * family a scrape asks for reads every pool's `metrics()`, the others of the
 * same scrape reuse that reading (so one scrape is one consistent instant),
 * and the next scrape reads again. A closed pool leaves the set when a
 * scrape finds it closed, and its series disappear.
 */
export class PoolCollector {
  /** Each pool, with the value of its `pool` label. */
  readonly pools = new Map<MetricsPool, string>()
  #reading: PoolMetrics[] | undefined

  /** prom-client metric objects for `families`, named with `prefix`. */
  metricsFor(families: readonly MetricFamily[], prefix: string): RegistryMetric[] {
    return families.map((family) => this.#metric(family, prefix + family.name))
  }

  #read(): PoolMetrics[] {
    if (this.#reading === undefined) {
      for (const pool of this.pools.keys()) if (pool.closed) this.pools.delete(pool)
      this.#reading = []
      for (const [pool, label] of this.pools) {
        try {
          this.#reading.push({ ...pool.metrics(), pool: label })
        } catch {
          // a pool that cannot be read leaves this scrape; the others are still served
        }
      }
      // every family of one scrape asks in the same turn of the event loop
      queueMicrotask(() => (this.#reading = undefined))
    }
    return this.#reading
  }

  #metric(family: MetricFamily, name: string): RegistryMetric {
    const { help, type } = family
    const get = () => {
      const values: MetricValue[] = []
      for (const pool of this.#read()) for (const sample of family.samples(pool)) pushSample(values, name, sample)
      return Promise.resolve({ name, help, type, aggregator: 'sum' as const, values })
    }
    // nothing to reset: every value is read from the engine at scrape time
    return { name, help, type, aggregator: 'sum', get, reset: () => {} }
  }
}

function pushSample(values: MetricValue[], name: string, [labels, value]: Sample): void {
  if (typeof value === 'number') {
    values.push({ value, labels })
    return
  }
  for (let i = 0; i < value.bounds.length; i++) values.push({ value: value.cumulative[i]!, labels: { ...labels, le: String(value.bounds[i]) }, metricName: `${name}_bucket` })
  values.push({ value: value.count, labels: { ...labels, le: '+Inf' }, metricName: `${name}_bucket` })
  values.push({ value: value.sum, labels, metricName: `${name}_sum` })
  values.push({ value: value.count, labels, metricName: `${name}_count` })
}
