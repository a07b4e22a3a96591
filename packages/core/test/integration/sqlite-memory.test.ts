import { describe, expect, it } from 'vitest'
import { sqlite } from '../../src/dialects/better-sqlite3/index.js'
import { createPool } from '../../src/pool.js'

describe('an in-memory SQLite pool', () => {
  it('keeps its one connection, and so its data, however short the configured lifetime', async () => {
    const pool = createPool({ dialect: sqlite({ filename: ':memory:' }), max: 4, maxLifetimeMillis: 20, maxIdleMillis: 20, housekeepingIntervalMillis: 5, log: false })
    expect(pool.config).toMatchObject({ max: 1, maxLifetimeMillis: 0, maxIdleMillis: 0 })
    await pool.query('CREATE TABLE kept (id INTEGER)')
    await pool.query('INSERT INTO kept VALUES (1)')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(await pool.query('SELECT id FROM kept')).toEqual([{ id: 1 }])
    expect(pool.stats().connections).toMatchObject({ created: 1, recycled: 0 })
    await pool.close()
  })
})
