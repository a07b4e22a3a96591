import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors/config-error.js'
import { createPool } from '../../src/pool.js'
import { Simulation, SIM_EPOCH } from '../support/sim/simulation.js'
import { diurnalRate, holdTimes, withBursts } from '../support/sim/workload.js'
import { StubDialect } from '../support/stub-dialect.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

describe("sizing: 'adaptive'", () => {
  it('grows at once when callers wait, shrinks slowly through idle retirement, and never flaps', async () => {
    // 2/s holding 1 s (demand ~2), then a 10-minute surge to 15/s (demand ~15), then quiet again
    const rate = (t: number): number => (t >= SIM_EPOCH + 10 * MINUTE && t < SIM_EPOCH + 20 * MINUTE ? 15 : 2)
    const sim = new Simulation({ workload: { rate, holdMillis: holdTimes({ meanMillis: 1000 }) }, pool: { min: 2, max: 30, sizing: 'adaptive' } })
    await sim.run(10 * MINUTE)
    const quietTarget = sim.pool.stats().sizing!.target
    expect(quietTarget).toBeLessThanOrEqual(15)
    await sim.run(30_000)
    // within half a minute of the surge the target has followed it up
    expect(sim.pool.stats().sizing!.target).toBeGreaterThanOrEqual(18)
    const grew = sim.changes.filter((c) => c.at >= SIM_EPOCH + 10 * MINUTE)
    expect(grew[0]!.reason).toBe('demand')
    await sim.run(10 * MINUTE)
    const atSurgeEnd = sim.pool.stats().currentState.totalConnections
    await sim.run(20_000)
    // twenty seconds after: still mostly open (it shrinks slowly)
    expect(sim.pool.stats().currentState.totalConnections).toBeGreaterThan(atSurgeEnd / 2)
    await sim.run(15 * MINUTE)
    // a quarter of an hour after: back near the quiet size, through idle retirement
    const after = sim.pool.stats()
    expect(after.sizing!.target).toBeLessThanOrEqual(12)
    expect(after.currentState.totalConnections).toBeLessThanOrEqual(after.sizing!.target + 2)
    const shrinks = sim.changes.filter((c) => c.to < c.from)
    expect(shrinks.every((c) => c.reason === 'idle')).toBe(true)
    const report = sim.report()
    expect(report.timeouts).toBe(0)
    expect(report.maxSizeChangesPerMinute).toBeLessThanOrEqual(5)
    expect(after.sizing!.changes).toBe(sim.changes.length)
    await sim.close()
  })

  it('under bursts costs far fewer connection-seconds than a fixed max, waiting about as long, with few changes', async () => {
    const workload = {
      rate: withBursts(() => 1, { everyMillis: 5 * MINUTE, lastsMillis: 20_000, factor: 20 }),
      holdMillis: holdTimes({ meanMillis: 500, slowShare: 0.01, slowMillis: 5_000 }),
    }
    const fixedMax = new Simulation({ workload, pool: { min: 20, max: 20 } })
    const adaptive = new Simulation({ workload, pool: { min: 1, max: 20, sizing: 'adaptive' } })
    for (const sim of [fixedMax, adaptive]) await sim.run(HOUR)
    const f = fixedMax.report()
    const a = adaptive.report()
    expect(a.timeouts).toBe(0)
    expect(a.connectionSeconds).toBeLessThan(0.6 * f.connectionSeconds)
    expect(a.utilization).toBeGreaterThan(f.utilization)
    // bursts are met by connections opened at once for the waiters: a connect's time, not a queue
    expect(a.p99AcquireWaitMillis).toBeLessThanOrEqual(f.p99AcquireWaitMillis + 2 * 20)
    expect(a.maxSizeChangesPerMinute).toBeLessThanOrEqual(5)
    await fixedMax.close()
    await adaptive.close()
  })

  it('never opens beyond the server room minus reservedConnections, and follows the room down', async () => {
    const sim = new Simulation({
      workload: { rate: () => 20, holdMillis: () => 1000 },
      pool: { min: 1, max: 30, sizing: 'adaptive', reservedConnections: 2 },
      serverMaxConnections: 20,
    })
    // 20 slots, 3 for superusers, 5 taken by others: room for 12, minus 2 kept free
    sim.dialect.othersConnected = 5
    await sim.run(2 * MINUTE)
    let sizing = sim.pool.stats().sizing!
    expect(sizing.serverRoom).toMatchObject({ maxConnections: 20, reservedForSuperuser: 3 })
    expect(sizing.ceiling).toBe(10)
    expect(sim.dialect.peakOpen).toBeLessThanOrEqual(10)
    expect(sizing.target).toBe(10)
    // others take four more: the next reading lowers the ceiling and the target with it
    sim.dialect.othersConnected = 9
    await sim.run(MINUTE)
    sizing = sim.pool.stats().sizing!
    expect(sizing.ceiling).toBe(6)
    expect(sizing.target).toBe(6)
    expect(sim.changes.some((c) => c.reason === 'server-room' && c.to === 6)).toBe(true)
    await sim.close()
  })

  it('leaves a fixed pool as it was: min kept, max the ceiling, no changes', async () => {
    const sim = new Simulation({ workload: { rate: () => 5, holdMillis: () => 1000 }, pool: { min: 3, max: 12 } })
    await sim.run(10 * MINUTE)
    const sizing = sim.pool.stats().sizing!
    expect(sizing).toMatchObject({ mode: 'fixed', target: 3, ceiling: 12, changes: 0, serverRoom: undefined })
    expect(sizing.recentArrivalsPerSecond).toBeGreaterThan(4)
    expect(sizing.recentArrivalsPerSecond).toBeLessThan(6)
    await sim.close()
  })

  it('is validated once, naming the option', () => {
    const dialect = new StubDialect()
    expect(() => createPool({ dialect, sizing: 'elastic' as 'adaptive' })).toThrow(ConfigError)
    expect(() => createPool({ dialect, sizing: 'elastic' as 'adaptive' })).toThrow('Sluice: invalid option sizing = "elastic": must be one of fixed, adaptive')
    expect(() => createPool({ dialect, reservedConnections: -1 })).toThrow('Sluice: invalid option reservedConnections = -1: must be >= 0')
    expect(() => createPool({ dialect, sizing: 'adaptive', learning: false })).toThrow("invalid option learning = false: must not be false with sizing 'adaptive'")
    expect(() => createPool({ dialect, learning: { saveIntervalMillis: 10 } })).toThrow('invalid option learning.saveIntervalMillis = 10: must be >= 1000')
    expect(() => createPool({ dialect, learning: { store: {} as never } })).toThrow('invalid option learning.store')
    expect(() => createPool({ dialect, learning: false }).forecast()).toThrow('forecast() needs learning')
  })
})

describe('predictive pre-warming', () => {
  it('opens ahead of a forecast peak, not long before, and releases after it', { timeout: 30_000 }, async () => {
    // every day: 0.05/s, and 1/s from 09:00 to 10:00 UTC, each holding 10 s (demand ~10 at the peak)
    const sim = new Simulation({
      workload: { rate: diurnalRate({ baseRate: 0.05, peakRate: 1, peakHour: 9, spreadHours: 0 }), holdMillis: () => 10_000 },
      // hour-scale behaviour: a coarser tick and arrival step run the three days faster
      pool: { min: 1, max: 30, sizing: 'adaptive', housekeepingIntervalMillis: 10_000, healthCheckIntervalMillis: 0 },
      arrivalStepMillis: 60_000,
    })
    // one whole day seen, so every hour is known ('medium'), and the peak of the second day ahead
    const day2 = SIM_EPOCH + 24 * HOUR
    await sim.runUntil(day2 + 8 * HOUR + 50 * MINUTE)
    expect(sim.pool.forecast().confidence).toBe('medium')
    expect(sim.pool.forecast().peakHours).toEqual([9])
    // the same forecast beside the statement patterns
    expect(sim.pool.patterns.forecast()).toEqual(sim.pool.forecast())
    // ten minutes before the peak: still the quiet size
    expect(sim.pool.stats().sizing!.forecastFloor).toBeLessThanOrEqual(2)
    expect(sim.pool.stats().currentState.totalConnections).toBeLessThanOrEqual(5)
    await sim.runUntil(day2 + 8 * HOUR + 59 * MINUTE)
    // a minute before: opened for it, before any of its load arrived
    const before = sim.pool.stats()
    expect(before.sizing!.forecastFloor).toBeGreaterThanOrEqual(12)
    expect(before.currentState.totalConnections).toBeGreaterThanOrEqual(12)
    const forecastChange = sim.changes.find((c) => c.at >= day2 + 8 * HOUR && c.reason === 'forecast')
    expect(forecastChange).toBeDefined()
    expect(forecastChange!.at).toBeGreaterThanOrEqual(day2 + 8 * HOUR + 57 * MINUTE)
    await sim.runUntil(day2 + 10 * HOUR + 20 * MINUTE)
    // twenty minutes after the peak: released
    expect(sim.pool.stats().sizing!.forecastFloor).toBeLessThanOrEqual(2)
    expect(sim.pool.stats().currentState.totalConnections).toBeLessThanOrEqual(5)
    await sim.close()
  })
})
