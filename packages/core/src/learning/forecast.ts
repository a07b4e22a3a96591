import type { BucketTotals, DemandBuckets } from './demand-buckets.js'
import { clamp, sizeForDemand } from './demand-size.js'
import type { ForecastConfidence, HourForecast, WorkloadForecast } from './workload-forecast.js'

/** A bucket with fewer minutes than this is not known yet. */
const KNOWN_MINUTES = 30
/** An hour of the week seen in at least two weeks is trusted over the hour of the day. */
const WEEKLY_MINUTES = 120
/** Minutes observed before the forecast says anything. */
const FIRST_MINUTES = 60
/** Days every hour must have been seen for `high` confidence. */
const HIGH_DAYS = 3

export interface ForecastLimits {
  readonly min: number
  /** `max`, or less when the server has less room. */
  readonly ceiling: number
  /** Headroom z-score (1.645: the 95th percentile of demand). */
  readonly z: number
}

/** The forecast for the moment `epochMillis`, from the buckets. */
export function forecastFrom(buckets: DemandBuckets, epochMillis: number, limits: ForecastLimits): WorkloadForecast {
  const observedMinutes = buckets.minutes
  const confidence = confidenceOf(buckets, observedMinutes)
  const base = { observedMinutes, ceiling: limits.ceiling }
  if (confidence === 'not enough data') {
    return { ...base, confidence, peakHours: [], peakMinutes: [], now: undefined, next: undefined, recommendedSize: undefined }
  }
  const date = new Date(epochMillis)
  const weekHour = date.getUTCDay() * 24 + date.getUTCHours()
  const hours = buckets.hourOfDay.map((bucket, hour) => ({ hour, bucket })).filter(({ bucket }) => bucket.minutes >= KNOWN_MINUTES)
  const busiest = Math.max(0, ...hours.map(({ bucket }) => bucket.busy / bucket.minutes))
  return {
    ...base,
    confidence,
    peakHours: busiest === 0 ? [] : hours.filter(({ bucket }) => bucket.busy / bucket.minutes >= 0.8 * busiest).sort(byBusy).map(({ hour }) => hour),
    peakMinutes: peakMinutes(buckets.minuteOfHour),
    now: hourForecast(buckets, weekHour, limits),
    next: hourForecast(buckets, (weekHour + 1) % 168, limits),
    recommendedSize: clamp(sizeForDemand(busiest, limits.z), limits.min, limits.ceiling),
  }
}

function confidenceOf(buckets: DemandBuckets, observedMinutes: number): ForecastConfidence {
  if (observedMinutes < FIRST_MINUTES) return 'not enough data'
  const seen = buckets.hourOfDay.map((bucket) => bucket.minutes)
  if (seen.some((minutes) => minutes < KNOWN_MINUTES)) return 'low'
  return seen.every((minutes) => minutes >= HIGH_DAYS * 60) ? 'high' : 'medium'
}

function hourForecast(buckets: DemandBuckets, weekHour: number, limits: ForecastLimits): HourForecast | undefined {
  const hour = weekHour % 24
  const weekly = buckets.hourOfWeek[weekHour]!
  const daily = buckets.hourOfDay[hour]!
  const [bucket, basis] = weekly.minutes >= WEEKLY_MINUTES ? [weekly, 'hour-of-week' as const] : [daily, 'hour-of-day' as const]
  if (bucket.minutes < KNOWN_MINUTES) return undefined
  const arrivalsPerSecond = bucket.arrivals / (bucket.minutes * 60)
  const busyConnections = bucket.busy / bucket.minutes
  return {
    hour,
    basis,
    arrivalsPerSecond: round(arrivalsPerSecond),
    busyConnections: round(busyConnections),
    meanHoldMillis: arrivalsPerSecond === 0 ? 0 : round((busyConnections / arrivalsPerSecond) * 1000),
    recommendedSize: clamp(sizeForDemand(busyConnections, limits.z), limits.min, limits.ceiling),
  }
}

function peakMinutes(minutes: readonly BucketTotals[]): number[] {
  const rates = minutes.map((bucket, minute) => ({ minute, rate: bucket.minutes >= 3 ? bucket.arrivals / bucket.minutes : undefined }))
  const known = rates.filter((r): r is { minute: number; rate: number } => r.rate !== undefined)
  if (known.length < 30) return []
  const mean = known.reduce((sum, r) => sum + r.rate, 0) / known.length
  if (mean === 0) return []
  return known
    .filter((r) => r.rate >= 1.5 * mean)
    .sort((a, b) => b.rate - a.rate || a.minute - b.minute)
    .slice(0, 5)
    .map((r) => r.minute)
}

function byBusy(a: { hour: number; bucket: BucketTotals }, b: { hour: number; bucket: BucketTotals }): number {
  return b.bucket.busy / b.bucket.minutes - a.bucket.busy / a.bucket.minutes || a.hour - b.hour
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}
