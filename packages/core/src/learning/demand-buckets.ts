/** One bucket's totals: how many minutes were observed in it, and what they saw. */
export interface BucketTotals {
  /** Minutes observed. */
  minutes: number
  /** Acquires that arrived in those minutes. */
  arrivals: number
  /** Sum over those minutes of the mean connections in demand (lent plus waited for). */
  busy: number
}

/** The buckets as a store keeps them: plain arrays, indexed by bucket. */
export interface DemandSnapshot {
  readonly version: 1
  readonly hourOfDay: readonly BucketTotals[]
  readonly hourOfWeek: readonly BucketTotals[]
  readonly minuteOfHour: readonly BucketTotals[]
}

/**
 * Arrivals and connection demand per calendar bucket (UTC): hour of the day
 * (24), hour of the week (168) and minute of the hour (60). Each observed
 * minute adds to one bucket of each kind, so memory is fixed however long
 * the pool runs.
 */
export class DemandBuckets {
  readonly hourOfDay = emptyBuckets(24)
  readonly hourOfWeek = emptyBuckets(168)
  readonly minuteOfHour = emptyBuckets(60)

  /** Adds one observed minute starting at `epochMillis`. */
  add(epochMillis: number, arrivals: number, busy: number): void {
    const date = new Date(epochMillis)
    const hour = date.getUTCHours()
    addTo(this.hourOfDay[hour]!, arrivals, busy)
    addTo(this.hourOfWeek[date.getUTCDay() * 24 + hour]!, arrivals, busy)
    addTo(this.minuteOfHour[date.getUTCMinutes()]!, arrivals, busy)
  }

  /** Minutes observed in all. */
  get minutes(): number {
    let minutes = 0
    for (const bucket of this.hourOfDay) minutes += bucket.minutes
    return minutes
  }

  snapshot(): DemandSnapshot {
    const copy = (buckets: BucketTotals[]): BucketTotals[] => buckets.map((b) => ({ ...b }))
    return { version: 1, hourOfDay: copy(this.hourOfDay), hourOfWeek: copy(this.hourOfWeek), minuteOfHour: copy(this.minuteOfHour) }
  }

  /** Adds what a store kept (from before a restart) to what this run saw; ignores a snapshot of another shape. */
  merge(snapshot: unknown): boolean {
    if (!isSnapshot(snapshot)) return false
    mergeInto(this.hourOfDay, snapshot.hourOfDay)
    mergeInto(this.hourOfWeek, snapshot.hourOfWeek)
    mergeInto(this.minuteOfHour, snapshot.minuteOfHour)
    return true
  }
}

function emptyBuckets(n: number): BucketTotals[] {
  return Array.from({ length: n }, () => ({ minutes: 0, arrivals: 0, busy: 0 }))
}

function addTo(bucket: BucketTotals, arrivals: number, busy: number): void {
  bucket.minutes++
  bucket.arrivals += arrivals
  bucket.busy += busy
}

function mergeInto(into: BucketTotals[], from: readonly BucketTotals[]): void {
  for (let i = 0; i < into.length; i++) {
    const bucket = from[i]!
    into[i]!.minutes += bucket.minutes
    into[i]!.arrivals += bucket.arrivals
    into[i]!.busy += bucket.busy
  }
}

function isSnapshot(value: unknown): value is DemandSnapshot {
  if (value === null || typeof value !== 'object') return false
  const s = value as Record<string, unknown>
  return s.version === 1 && validBuckets(s.hourOfDay, 24) && validBuckets(s.hourOfWeek, 168) && validBuckets(s.minuteOfHour, 60)
}

function validBuckets(value: unknown, length: number): boolean {
  return (
    Array.isArray(value) &&
    value.length === length &&
    value.every((b: unknown) => {
      const bucket = b as Record<string, unknown> | null
      return bucket !== null && typeof bucket === 'object' && [bucket.minutes, bucket.arrivals, bucket.busy].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
    })
  )
}
