import type { HistogramSnapshot } from '@sluice/core'
import type { LatencyDistribution } from './snapshot.js'

/**
 * A cumulative histogram in seconds (the engine's, since the pool started)
 * as the page draws it: the count in each bucket, in ms, from the first
 * bucket with an observation to the last (the empty ends left out), and the
 * median interpolated inside its bucket as PromQL's histogram_quantile does.
 */
export function latencyDistribution(histogram: HistogramSnapshot): LatencyDistribution {
  const { bounds, cumulative, count } = histogram
  const buckets: Array<{ upToMillis: number | null; count: number }> = []
  let previous = 0
  for (let i = 0; i < bounds.length; i++) {
    buckets.push({ upToMillis: bounds[i]! * 1000, count: cumulative[i]! - previous })
    previous = cumulative[i]!
  }
  buckets.push({ upToMillis: null, count: count - previous })
  const first = buckets.findIndex((b) => b.count > 0)
  const last = buckets.findLastIndex((b) => b.count > 0)
  return {
    count,
    p50Millis: count === 0 ? null : quantileMillis(histogram, 0.5),
    buckets: first === -1 ? [] : buckets.slice(first, last + 1),
  }
}

function quantileMillis({ bounds, cumulative, count }: HistogramSnapshot, q: number): number {
  const rank = q * count
  for (let i = 0; i < bounds.length; i++) {
    if (cumulative[i]! >= rank) {
      const below = i === 0 ? 0 : cumulative[i - 1]!
      const lower = i === 0 ? 0 : bounds[i - 1]!
      const inBucket = cumulative[i]! - below
      return (lower + (bounds[i]! - lower) * (inBucket === 0 ? 1 : (rank - below) / inBucket)) * 1000
    }
  }
  // in the +Inf bucket: the largest bound is all that can be said
  return (bounds.at(-1) ?? 0) * 1000
}
