import { clamp, sizeForDemand } from './demand-size.js'
import type { SizeChange, SizeChangeReason } from './size-change.js'

/** The tuning of adaptive sizing (see `ADAPTIVE_SIZING` in config/defaults.ts). */
export interface AdaptiveTuning {
  /** Headroom over the recent mean demand, in square roots of it. */
  readonly z: number
  /** A shrink is considered only when what is needed is this share below the target. */
  readonly shrinkBand: number
  /** ...and has been for this long. */
  readonly shrinkAfterMillis: number
  /** The least time between a change and the next shrink. */
  readonly cooldownMillis: number
  /** The least time between two growths: callers never wait for it (the pool opens for waiters up to the ceiling at once), it only decides which of those connections stay. */
  readonly growCooldownMillis: number
  /** The target never shrinks below the highest demand seen this recently (so periodic bursts do not make it flap). */
  readonly peakWindowMillis: number
}

/** What the sizer sees at one tick. */
export interface SizingSignals {
  readonly now: number
  /** The most connections in demand (lent, held, waited for) at any moment since the last tick. */
  readonly peakDemand: number
  /** Connections in demand, averaged over about the last minute. */
  readonly recentDemand: number
  /** What the forecast asks to have open now (ahead of a peak); 0 without one. */
  readonly forecastFloor: number
  readonly min: number
  /** `max`, or less when the server has less room. */
  readonly ceiling: number
}

/**
 * The adaptive target: how many connections the pool keeps open, between
 * `min` and the ceiling. It grows in one step to what callers asked for (the
 * peak since the last tick, waiters included, plus headroom) and to the
 * forecast, at most once per `growCooldownMillis`; it
 * shrinks only when the recent demand plus headroom, and the highest demand
 * of the last minutes, have stayed well below it (a band, for hysteresis) for
 * a while, at most once per cooldown and by two
 * thirds of the gap at a time. So a burst raises it in one step, and it comes down
 * slowly: it never flaps. Idle connections beyond the target are retired by
 * the housekeeper. Pure: one decision per tick, no timers of its own.
 */
export class AdaptiveSizer {
  readonly #tuning: AdaptiveTuning
  #target: number
  #lastChangeAt = Number.NEGATIVE_INFINITY
  #belowSince: number | undefined
  /** Recent per-tick peaks, decreasing: the window's maximum is the first. */
  readonly #peaks: Array<{ at: number; demand: number }> = []

  constructor(tuning: AdaptiveTuning, initial: number) {
    this.#tuning = tuning
    this.#target = initial
  }

  get target(): number {
    return this.#target
  }

  /** Decides this tick's target; returns the change, if any. */
  decide(signals: SizingSignals): SizeChange | undefined {
    const { now, min, ceiling } = signals
    const { z, shrinkBand, shrinkAfterMillis, cooldownMillis, growCooldownMillis } = this.#tuning
    // the recent peak with headroom: a growth's own step, so the next look does not shrink it back
    const recentPeak = withHeadroom(this.#notePeak(now, signals.peakDemand), z)
    const desired = clamp(Math.max(sizeForDemand(signals.recentDemand, z), signals.forecastFloor, recentPeak), min, ceiling)
    if (desired > this.#target && now - this.#lastChangeAt >= growCooldownMillis) {
      return this.#change(desired, signals.forecastFloor >= desired ? 'forecast' : 'demand', now)
    }
    // the server's room fell below the target: follow it down at once
    if (this.#target > ceiling) return this.#change(ceiling, 'server-room', now)
    // the band: a fifth of the target, and never under two connections (small pools would flap on noise)
    if (desired > this.#target - Math.max(2, this.#target * shrinkBand) || signals.peakDemand > this.#target) {
      this.#belowSince = undefined
      return undefined
    }
    this.#belowSince ??= now
    if (now - this.#belowSince < shrinkAfterMillis || now - this.#lastChangeAt < cooldownMillis) return undefined
    return this.#change(this.#target - Math.max(1, Math.ceil(((this.#target - desired) * 2) / 3)), 'idle', now)
  }

  /** Adds this tick's peak to the window (a monotonic queue) and returns the window's maximum. */
  #notePeak(now: number, demand: number): number {
    const peaks = this.#peaks
    while (peaks.length > 0 && peaks.at(-1)!.demand <= demand) peaks.pop()
    peaks.push({ at: now, demand })
    while (peaks[0]!.at <= now - this.#tuning.peakWindowMillis) peaks.shift()
    return peaks[0]!.demand
  }

  #change(to: number, reason: SizeChangeReason, now: number): SizeChange {
    const change = { from: this.#target, to, reason, at: now }
    this.#target = to
    this.#lastChangeAt = now
    this.#belowSince = undefined
    return change
  }
}

/** One step with headroom, rather than a staircase as the demand climbs. */
function withHeadroom(peak: number, z: number): number {
  return peak + Math.ceil(z * Math.sqrt(peak))
}
