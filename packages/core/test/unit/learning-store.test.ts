import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ArgumentError } from '../../src/errors/argument-error.js'
import { fileLearningStore } from '../../src/learning/file-learning-store.js'
import { Simulation } from '../support/sim/simulation.js'
import { diurnalRate } from '../support/sim/workload.js'

const HOUR = 3_600_000
const dirs: string[] = []

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-learning-'))
  dirs.push(dir)
  return join(dir, 'learning.json')
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const workload = { rate: diurnalRate({ baseRate: 0.2, peakRate: 2, peakHour: 1, spreadHours: 0 }), holdMillis: () => 2_000 }

describe('learning across restarts', () => {
  it('keeps what the pool learned in a file: a restarted pool forecasts from it at once', async () => {
    const path = tempFile()
    const store = fileLearningStore(path)
    const first = new Simulation({ workload, pool: { learning: { store } }, arrivalStepMillis: 10_000 })
    await first.run(3 * HOUR)
    const before = first.pool.forecast()
    expect(before.confidence).toBe('low')
    expect(before.peakHours).toEqual([1])
    await first.close()
    // close() counted the minute in progress too, and saved it
    const saved = first.pool.forecast()
    expect(saved.observedMinutes).toBeGreaterThanOrEqual(before.observedMinutes)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 })

    // a new process: a new pool on the same file, before it has seen anything itself
    const second = new Simulation({ workload, pool: { learning: { store: fileLearningStore(path) } }, startEpochMillis: first.clock.now() })
    await second.pool.ready()
    await vi.waitFor(() => expect(second.pool.forecast().observedMinutes).toBe(saved.observedMinutes))
    const after = second.pool.forecast()
    expect(after.peakHours).toEqual([1])
    expect(after.confidence).toBe(before.confidence)
    await second.close()
  })

  it('saves on its interval while running, not only at close', async () => {
    const path = tempFile()
    const sim = new Simulation({ workload, pool: { learning: { store: fileLearningStore(path), saveIntervalMillis: 10 * 60_000 } }, arrivalStepMillis: 10_000 })
    await sim.run(HOUR)
    await vi.waitFor(() => expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 }))
    await sim.close()
  })

  it('starts afresh, with a warning, from a file that holds something else', async () => {
    const path = tempFile()
    writeFileSync(path, JSON.stringify({ hello: 'world' }))
    const logs: string[] = []
    const sim = new Simulation({ workload, pool: { learning: { store: fileLearningStore(path) }, logger: (_level, message) => logs.push(message) } })
    await sim.pool.ready()
    await vi.waitFor(() => expect(logs.some((m) => m.includes('starting afresh'))).toBe(true))
    expect(sim.pool.forecast().observedMinutes).toBe(0)
    await sim.close()
  })

  it('refuses a path that is not a string, naming it', () => {
    expect(() => fileLearningStore('' as string)).toThrow(ArgumentError)
    expect(() => fileLearningStore(42 as unknown as string)).toThrow('fileLearningStore(): path must be a non-empty string')
  })
})
