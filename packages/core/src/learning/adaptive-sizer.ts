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
 * `min` and the ceiling. It grows at once to what callers asked for (the
 * peak since the last tick, waiters included) and to the forecast; it
 * shrinks only when the recent demand plus headroom has stayed well below it
 * (a band, for hysteresis) for a while, at most once per cooldown and by half
 * the gap at a time. So a burst raises it in one step, and it comes down
 * slowly: it never flaps. Idle connections beyond the target are retired by
 * the housekeeper. Pure: one decision per tick, no timers of its own.
 */
export class AdaptiveSizer {
  readonly #tuning: AdaptiveTuning
  #target: number
  #lastChangeAt = Number.NEGATIVE_INFINITY
  #belowSince: number | undefined

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
    const { z, shrinkBand, shrinkAfterMillis, cooldownMillis } = this.#tuning
    const desired = clamp(Math.max(sizeForDemand(signals.recentDemand, z), signals.forecastFloor), min, ceiling)
    const asked = clamp(Math.max(desired, signals.peakDemand), min, ceiling)
    if (asked > this.#target) {
      return this.#change(asked, signals.forecastFloor >= asked && signals.forecastFloor > signals.peakDemand ? 'forecast' : 'demand', now)
    }
    // the server's room fell below the target: follow it down at once
    if (this.#target > ceiling) return this.#change(ceiling, 'server-room', now)
    if (desired > this.#target * (1 - shrinkBand) || desired >= this.#target) {
      this.#belowSince = undefined
      return undefined
    }
    this.#belowSince ??= now
    if (now - this.#belowSince < shrinkAfterMillis || now - this.#lastChangeAt < cooldownMillis) return undefined
    return this.#change(this.#target - Math.max(1, Math.ceil((this.#target - desired) / 2)), 'idle', now)
  }

  #change(to: number, reason: SizeChangeReason, now: number): SizeChange {
    const change = { from: this.#target, to, reason, at: now }
    this.#target = to
    this.#lastChangeAt = now
    this.#belowSince = undefined
    return change
  }
}
