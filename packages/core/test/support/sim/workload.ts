/**
 * A synthetic workload: how many acquires arrive per second at a moment, and
 * how long each holds its connection. Seeded, so a run replays exactly.
 */
export interface Workload {
  /** Expected arrivals per second at `epochMillis`. */
  rate(epochMillis: number): number
  /** How long one arrival holds its connection, ms. */
  holdMillis(random: () => number): number
}

const HOUR = 3_600_000

export interface DiurnalOptions {
  /** Arrivals per second at the quietest time of day. */
  readonly baseRate: number
  /** Arrivals per second at the peak. */
  readonly peakRate: number
  /** Hour of the day (UTC) of the peak; the rate follows a cosine around it. */
  readonly peakHour: number
  /** Hours either side of the peak over which the rate rises and falls; 0 makes the peak a flat step of one hour. */
  readonly spreadHours?: number
}

/** A day that rises to a peak and falls back; the same every day. */
export function diurnalRate(options: DiurnalOptions): (epochMillis: number) => number {
  const { baseRate, peakRate, peakHour, spreadHours = 3 } = options
  return (epochMillis) => {
    const hourOfDay = (epochMillis % (24 * HOUR)) / HOUR
    if (spreadHours === 0) return Math.floor(hourOfDay) === peakHour ? peakRate : baseRate
    let distance = Math.abs(hourOfDay - (peakHour + 0.5))
    distance = Math.min(distance, 24 - distance)
    if (distance >= spreadHours) return baseRate
    return baseRate + ((peakRate - baseRate) * (1 + Math.cos((Math.PI * distance) / spreadHours))) / 2
  }
}

export interface BurstOptions {
  /** A burst starts every this many ms. */
  readonly everyMillis: number
  readonly lastsMillis: number
  /** The rate during a burst, times the underlying one. */
  readonly factor: number
}

/** Bursts on top of a rate: every `everyMillis`, `factor` times the rate for `lastsMillis`. */
export function withBursts(rate: (epochMillis: number) => number, options: BurstOptions): (epochMillis: number) => number {
  return (epochMillis) => rate(epochMillis) * (epochMillis % options.everyMillis < options.lastsMillis ? options.factor : 1)
}

export interface HoldOptions {
  /** Typical hold time, ms (exponentially distributed around it). */
  readonly meanMillis: number
  /** Share of arrivals that are slow queries. */
  readonly slowShare?: number
  /** How long a slow query holds its connection, ms. */
  readonly slowMillis?: number
}

export function holdTimes(options: HoldOptions): (random: () => number) => number {
  const { meanMillis, slowShare = 0, slowMillis = 0 } = options
  return (random) => (random() < slowShare ? slowMillis : Math.max(1, Math.round(-Math.log(1 - random()) * meanMillis)))
}

/** A small seeded PRNG (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Poisson-distributed count with mean `mean` (Knuth for small means, normal approximation above 30). */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0
  if (mean > 30) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal))
  }
  const limit = Math.exp(-mean)
  let k = 0
  let p = random()
  while (p > limit) {
    k++
    p *= random()
  }
  return k
}
