import { describe, expect, it } from 'vitest'
import { Histogram, LATENCY_BUCKETS_SECONDS } from '../../src/metrics/histogram.js'

describe('cumulative histogram', () => {
  it('counts every observation in the first bucket whose bound is >= it, cumulatively', () => {
    const h = new Histogram([1, 2, 5])
    for (const v of [0.5, 1, 1.5, 2, 3, 7]) h.observe(v)
    expect(h.snapshot()).toEqual({ bounds: [1, 2, 5], cumulative: [2, 4, 5], count: 6, sum: 15 })
  })

  it('estimates quantiles inside the bucket, as histogram_quantile does', () => {
    const h = new Histogram([1, 2])
    for (let i = 0; i < 10; i++) h.observe(1.5)
    expect(h.quantile(0.5)).toBe(1.5)
    expect(h.quantile(1)).toBe(2)
    expect(new Histogram([1]).quantile(0.9)).toBe(0)
  })

  it('has ascending latency bounds from 100µs to a minute', () => {
    expect([...LATENCY_BUCKETS_SECONDS].sort((a, b) => a - b)).toEqual(LATENCY_BUCKETS_SECONDS)
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.0001)
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(60)
  })
})
