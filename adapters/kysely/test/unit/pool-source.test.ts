import { createPool, sqlite } from '@sluice/core'
import { describe, expect, it } from 'vitest'
import { resolvePoolSource } from '../../src/pool-source.js'

describe('resolvePoolSource', () => {
  it('sends pool options to the pool and the rest to the database dialect', async () => {
    const { pool, owned } = resolvePoolSource('sqlite', { filename: ':memory:', name: 'orders', min: 0, max: 1, acquireTimeoutMillis: 1234 }, sqlite)
    expect(owned).toBe(true)
    expect(pool.config).toMatchObject({ name: 'orders', max: 1, acquireTimeoutMillis: 1234 })
    expect(pool.config.dialect.description).toBe('sqlite::memory:')
    await pool.close()
  })

  it('uses a pool the application made, and does not own it', async () => {
    const given = createPool({ dialect: sqlite({ filename: ':memory:' }), log: false })
    expect(resolvePoolSource('sqlite', given, sqlite)).toEqual({ pool: given, owned: false })
    await given.close()
  })
})
