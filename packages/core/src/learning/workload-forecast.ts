/** How sure the forecast is, from how much of the calendar it has seen. */
export const FORECAST_CONFIDENCES = ['not enough data', 'low', 'medium', 'high'] as const
export type ForecastConfidence = (typeof FORECAST_CONFIDENCES)[number]

/** What the forecast expects of one hour. */
export interface HourForecast {
  /** Hour of the day, UTC (0-23). */
  readonly hour: number
  /** Which buckets it comes from: the same hour of the same weekday (two weeks seen or more), or the same hour of any day. */
  readonly basis: 'hour-of-week' | 'hour-of-day'
  /** Acquires per second expected. */
  readonly arrivalsPerSecond: number
  /** Connections in demand on average (lent or waited for): arrival rate x hold time. */
  readonly busyConnections: number
  /** Mean time a connection is held (or waited for), from Little's law: busy / arrival rate. */
  readonly meanHoldMillis: number
  /** Connections to have open: busy + headroom to the 95th percentile of demand, within `min`..the ceiling. */
  readonly recommendedSize: number
}

/**
 * What the pool expects of its workload (`pool.forecast()`), learned from
 * what it saw per calendar bucket. It says `'not enough data'` (and leaves
 * the figures undefined) rather than guess.
 */
export interface WorkloadForecast {
  readonly confidence: ForecastConfidence
  /** Minutes of workload observed (restored from the store included). */
  readonly observedMinutes: number
  /** Hours of the day (UTC) whose demand is within 80% of the busiest, busiest first. */
  readonly peakHours: readonly number[]
  /** Minutes of the hour with at least 1.5x the mean arrival rate (a job at :00, say), busiest first. */
  readonly peakMinutes: readonly number[]
  /** This hour; undefined while this hour has not been seen. */
  readonly now: HourForecast | undefined
  /** The next hour; undefined while it has not been seen. */
  readonly next: HourForecast | undefined
  /** Size for the busiest hour seen (what a fixed pool would need); undefined without enough data. */
  readonly recommendedSize: number | undefined
  /** The most connections the pool may open: `max`, or less when the server has less room (adaptive sizing reads it). */
  readonly ceiling: number
}

/** Anything that can forecast the workload: the pool's learning now, the pattern tracker's `forecast()` later. */
export interface WorkloadForecaster {
  forecast(): WorkloadForecast
}
