import { describe, expect, it } from 'vitest'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('onConnect', () => {
  it('runs once per new connection, before it is first lent', async () => {
    const seen: string[] = []
    const { pool, dialect } = stubPool({
      max: 2,
      onConnect: async (conn) => {
        await conn.execute('SELECT set_up')
        seen.push(`set up ${String((conn.driverConnection as { id: number }).id)}`)
      },
    })
    const a = await pool.acquire()
    expect(seen).toEqual(['set up 1'])
    expect(dialect.connections[0]!.statements).toEqual(['SELECT set_up'])
    a.release()
    ;(await pool.acquire()).release()
    expect(seen).toEqual(['set up 1'])
    await pool.close()
  })

  it('closes a connection whose setup fails and counts a failed connect', async () => {
    let calls = 0
    const { pool, dialect, clock } = stubPool({
      max: 1,
      acquireTimeoutMillis: 1_000,
      onConnect: () => {
        if (++calls === 1) throw new Error('setup failed')
      },
    })
    const acquired = pool.acquire()
    await clock.advance(100)
    const conn = await acquired
    expect(dialect.connections[0]!.open).toBe(false)
    expect(conn.id).toBe('conn-1')
    expect(pool.stats().connections).toMatchObject({ created: 1, failed: 1 })
    conn.release()
    await pool.close()
  })

  it('runs again after a full reset', async () => {
    let calls = 0
    const { pool } = stubPool({ max: 1, resetOnRelease: 'full', onConnect: () => void calls++ })
    ;(await pool.acquire()).release()
    ;(await pool.acquire()).release()
    await flush()
    // created, then reset twice
    expect(calls).toBe(3)
    await pool.close()
  })
})
