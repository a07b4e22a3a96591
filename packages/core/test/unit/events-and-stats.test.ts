import { describe, expect, it } from 'vitest'
import { stubPool } from '../support/stub-pool.js'

describe('events and stats', () => {
  it('emits connect, acquire, release, remove in order', async () => {
    const { pool } = stubPool({ max: 1 })
    const seen: string[] = []
    for (const event of ['connect', 'acquire', 'release', 'remove'] as const) {
      pool.on(event, (...args: unknown[]) => seen.push(`${event}:${String(args[0])}`))
    }
    const conn = await pool.acquire()
    conn.destroy()
    expect(seen).toEqual(['connect:conn-1', 'acquire:conn-1', 'release:conn-1', 'remove:conn-1'])
    await pool.close()
  })

  it('survives a listener that throws, and logs it', async () => {
    const { pool, logs } = stubPool({ max: 1 })
    pool.on('acquire', () => {
      throw new Error('bad listener')
    })
    const conn = await pool.acquire()
    conn.release()
    expect(logs.some((l) => l.level === 'error' && l.message === "sluice: a 'acquire' listener threw")).toBe(true)
    await pool.close()
  })

  it('measures acquire waits and statement times with the injected clock', async () => {
    const { pool, clock } = stubPool({ max: 1 })
    const conn = await pool.acquire()
    const waiting = pool.acquire()
    await clock.advance(40)
    conn.release()
    ;(await waiting).release()
    const { performance } = pool.stats()
    // two acquires: one immediate (0ms) and one that waited 40ms
    expect(performance.avgAcquisitionTimeMs).toBe(20)
    expect(performance.p99AcquisitionTimeMs).toBe(40)
    await pool.close()
  })
})
