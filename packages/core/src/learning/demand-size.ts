/**
 * Connections for a mean demand of `busy` (Little's law: arrival rate x mean
 * hold time), plus headroom to the demand's `quantile` z-score: when
 * statements arrive at random, the number holding a connection at once is
 * close to Poisson-distributed with mean `busy`, so `busy + z * sqrt(busy)`
 * covers that share of moments (z 1.645: the 95th percentile).
 */
export function sizeForDemand(busy: number, z: number): number {
  if (!(busy > 0)) return 0
  return Math.ceil(busy + z * Math.sqrt(busy) - 1e-9)
}

/** `value` within `[low, high]`; `high` wins when they cross. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}
