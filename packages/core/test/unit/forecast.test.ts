import { describe, expect, it } from 'vitest'
import { DemandBuckets } from '../../src/learning/demand-buckets.js'
import { forecastFrom } from '../../src/learning/forecast.js'
import { WorkloadRecorder } from '../../src/learning/workload-recorder.js'
import { SIM_EPOCH } from '../support/sim/simulation.js'
import { diurnalRate } from '../support/sim/workload.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const limits = { min: 1, ceiling: 50, z: 1.645 }

/**
 * Replays `days` of a workload through the recorder as the pool would feed
 * it (one sample per 10 s tick): arrivals at `rate`, each holding a
 * connection `holdMillis`, so the demand is rate x hold (Little's law).
 */
function replay(buckets: DemandBuckets, rate: (epoch: number) => number, holdMillis: number, from: number, until: number): void {
  const recorder = new WorkloadRecorder(buckets)
  let arrivals = 0
  for (let t = from; t <= until; t += 10_000) {
    arrivals += rate(t) * 10
    recorder.observe({ epochMillis: t, arrivals, demand: (rate(t) * holdMillis) / 1000 })
  }
}

describe('the workload forecast', () => {
  it("says 'not enough data' rather than guess before it has seen an hour", () => {
    const buckets = new DemandBuckets()
    replay(buckets, () => 2, 500, SIM_EPOCH, SIM_EPOCH + 40 * 60_000)
    const forecast = forecastFrom(buckets, SIM_EPOCH + HOUR, limits)
    expect(forecast.confidence).toBe('not enough data')
    expect(forecast.now).toBeUndefined()
    expect(forecast.next).toBeUndefined()
    expect(forecast.recommendedSize).toBeUndefined()
    expect(forecast.peakHours).toEqual([])
    expect(forecast.observedMinutes).toBeGreaterThan(30)
  })

  it('learns the peak hours, the rate now and next, and sizes by Little’s law over replayed days', () => {
    const buckets = new DemandBuckets()
    // quiet 0.5/s, rising to 10/s at 14:00-15:00 UTC; each acquire holds 800 ms
    const rate = diurnalRate({ baseRate: 0.5, peakRate: 10, peakHour: 14, spreadHours: 4 })
    replay(buckets, rate, 800, SIM_EPOCH, SIM_EPOCH + 3 * DAY)
    const atOnePm = SIM_EPOCH + 3 * DAY + 13 * HOUR + 10 * 60_000
    const forecast = forecastFrom(buckets, atOnePm, limits)
    expect(forecast.confidence).toBe('high')
    expect(forecast.peakHours[0]).toBe(14)
    expect(forecast.peakHours).toEqual(expect.arrayContaining([13, 14, 15]))
    expect(forecast.peakHours).toHaveLength(3)
    const now = forecast.now!
    const next = forecast.next!
    expect(now.hour).toBe(13)
    expect(next.hour).toBe(14)
    expect(next.basis).toBe('hour-of-day')
    // the next hour is the busiest: close to the peak rate, 0.8 s each
    expect(next.arrivalsPerSecond).toBeGreaterThan(9)
    expect(next.arrivalsPerSecond).toBeLessThanOrEqual(10)
    expect(next.meanHoldMillis).toBeCloseTo(800, 0)
    expect(next.busyConnections).toBeCloseTo(next.arrivalsPerSecond * 0.8, 1)
    // busy + 1.645 sqrt(busy): the 95th percentile of Poisson demand
    expect(next.recommendedSize).toBe(Math.ceil(next.busyConnections + 1.645 * Math.sqrt(next.busyConnections)))
    expect(now.arrivalsPerSecond).toBeLessThan(next.arrivalsPerSecond)
    expect(forecast.recommendedSize).toBe(next.recommendedSize)
  })

  it('caps the recommended size at the ceiling and lifts it to min', () => {
    const buckets = new DemandBuckets()
    replay(buckets, () => 100, 1000, SIM_EPOCH, SIM_EPOCH + DAY)
    expect(forecastFrom(buckets, SIM_EPOCH + DAY, { min: 1, ceiling: 40, z: 1.645 }).recommendedSize).toBe(40)
    const quiet = new DemandBuckets()
    replay(quiet, () => 0.01, 100, SIM_EPOCH, SIM_EPOCH + DAY)
    expect(forecastFrom(quiet, SIM_EPOCH + DAY, { min: 3, ceiling: 40, z: 1.645 }).recommendedSize).toBe(3)
  })

  it('tells a weekday from the weekend once it has seen two weeks', () => {
    const buckets = new DemandBuckets()
    // weekdays busy at 09:00, weekends quiet (SIM_EPOCH is a Monday)
    const rate = (t: number): number => {
      const weekday = new Date(t).getUTCDay()
      return weekday !== 0 && weekday !== 6 && new Date(t).getUTCHours() === 9 ? 8 : 0.2
    }
    replay(buckets, rate, 1000, SIM_EPOCH, SIM_EPOCH + 14 * DAY)
    const mondayEight = SIM_EPOCH + 14 * DAY + 8 * HOUR + 30 * 60_000
    const saturdayEight = SIM_EPOCH + 12 * DAY + 8 * HOUR + 30 * 60_000
    const monday = forecastFrom(buckets, mondayEight, limits).next!
    const saturday = forecastFrom(buckets, saturdayEight, limits).next!
    expect(monday.basis).toBe('hour-of-week')
    expect(monday.arrivalsPerSecond).toBeCloseTo(8, 1)
    expect(saturday.arrivalsPerSecond).toBeCloseTo(0.2, 1)
  })

  it('finds the minutes of the hour a job runs at', () => {
    const buckets = new DemandBuckets()
    replay(buckets, (t) => (new Date(t).getUTCMinutes() === 0 ? 20 : 1), 100, SIM_EPOCH, SIM_EPOCH + DAY)
    expect(forecastFrom(buckets, SIM_EPOCH + DAY, limits).peakMinutes).toEqual([0])
  })

  it('keeps memory fixed however long it learns, and restores only a snapshot of its own shape', () => {
    const buckets = new DemandBuckets()
    replay(buckets, () => 1, 100, SIM_EPOCH, SIM_EPOCH + 2 * DAY)
    const snapshot = JSON.parse(JSON.stringify(buckets.snapshot())) as unknown
    expect(JSON.stringify(snapshot).length).toBeLessThan(20_000)
    const restored = new DemandBuckets()
    expect(restored.merge(snapshot)).toBe(true)
    expect(restored.minutes).toBe(buckets.minutes)
    expect(restored.merge({ version: 1, hourOfDay: [] })).toBe(false)
    expect(restored.merge('junk')).toBe(false)
    expect(restored.minutes).toBe(buckets.minutes)
  })
})
