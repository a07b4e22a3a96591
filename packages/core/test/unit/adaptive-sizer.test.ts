import { describe, expect, it } from 'vitest'
import { ADAPTIVE_SIZING } from '../../src/config/defaults.js'
import { AdaptiveSizer } from '../../src/learning/adaptive-sizer.js'
import type { SizeChange } from '../../src/learning/size-change.js'
import type { SizingSignals } from '../../src/learning/adaptive-sizer.js'

/** Ticks the sizer once a second from `from` for `seconds`, with the signals `at(t)` gives; returns the changes. */
function tick(sizer: AdaptiveSizer, from: number, seconds: number, at: (t: number) => Partial<SizingSignals>): SizeChange[] {
  const changes: SizeChange[] = []
  for (let s = 0; s < seconds; s++) {
    const now = from + s * 1000
    const change = sizer.decide({ now, peakDemand: 0, recentDemand: 0, forecastFloor: 0, min: 2, ceiling: 40, ...at(now) })
    if (change) changes.push(change)
  }
  return changes
}

describe('the adaptive sizer (hysteresis and cooldown)', () => {
  it('holds still under a steady load whose noise stays inside the band', () => {
    const sizer = new AdaptiveSizer(ADAPTIVE_SIZING, 2)
    // demand around 10, peaks between 8 and 14 from second to second
    const noisy = (t: number) => ({ recentDemand: 10, peakDemand: 8 + ((t / 1000) * 7919) % 7 })
    const settling = tick(sizer, 0, 60, noisy)
    expect(settling.length).toBeLessThanOrEqual(2)
    const target = sizer.target
    expect(tick(sizer, 60_000, 600, noisy)).toEqual([])
    expect(sizer.target).toBe(target)
  })

  it('grows in one step with headroom when callers wait, then at most once per growth cooldown', () => {
    const sizer = new AdaptiveSizer(ADAPTIVE_SIZING, 2)
    const changes = tick(sizer, 0, 30, (t) => ({ recentDemand: 2, peakDemand: t < 1000 ? 16 : 16 + t / 1000 }))
    // 16 waiting and lent: 16 + sqrt(16)
    expect(changes[0]).toMatchObject({ from: 2, to: 20, reason: 'demand', at: 0 })
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.at - changes[i - 1]!.at).toBeGreaterThanOrEqual(ADAPTIVE_SIZING.growCooldownMillis)
    expect(changes.length).toBeLessThanOrEqual(3)
  })

  it('shrinks only after the peak window, the delay and the cooldown, by two thirds of the gap each time', () => {
    const sizer = new AdaptiveSizer(ADAPTIVE_SIZING, 2)
    tick(sizer, 0, 1, () => ({ peakDemand: 25, recentDemand: 20 }))
    expect(sizer.target).toBe(30)
    const changes = tick(sizer, 1000, 120, () => ({ peakDemand: 1, recentDemand: 1 }))
    const first = changes[0]!
    expect(first.reason).toBe('idle')
    // not before the 25 leaves the peak window and the demand has stayed low for the delay
    expect(first.at).toBeGreaterThanOrEqual(ADAPTIVE_SIZING.peakWindowMillis + ADAPTIVE_SIZING.shrinkAfterMillis - 1000)
    // what is needed now: 1 + sqrt(1) = 2, which is also min
    expect(first.to).toBe(30 - Math.ceil(((30 - 2) * 2) / 3))
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.at - changes[i - 1]!.at).toBeGreaterThanOrEqual(ADAPTIVE_SIZING.cooldownMillis)
    expect(sizer.target).toBeLessThanOrEqual(4)
    expect(sizer.target).toBeGreaterThanOrEqual(2)
  })

  it('follows the server room down at once, and never sets a target above the ceiling or below min', () => {
    const sizer = new AdaptiveSizer(ADAPTIVE_SIZING, 2)
    tick(sizer, 0, 1, () => ({ peakDemand: 50, recentDemand: 30 }))
    expect(sizer.target).toBe(40)
    const [change] = tick(sizer, 1000, 1, () => ({ peakDemand: 50, recentDemand: 30, ceiling: 12 }))
    expect(change).toMatchObject({ from: 40, to: 12, reason: 'server-room' })
    const all = tick(sizer, 2000, 300, (t) => ({ peakDemand: t % 7, recentDemand: 0.5, ceiling: 12, min: 3 }))
    expect(all.every((c) => c.to <= 12 && c.to >= 3)).toBe(true)
  })

  it('rises to the forecast ahead of demand, saying so', () => {
    const sizer = new AdaptiveSizer(ADAPTIVE_SIZING, 2)
    const [change] = tick(sizer, 0, 1, () => ({ forecastFloor: 14, recentDemand: 1, peakDemand: 1 }))
    expect(change).toMatchObject({ from: 2, to: 14, reason: 'forecast' })
  })
})
