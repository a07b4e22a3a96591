import { describe, expect, it } from 'vitest'
import { stubPool } from '../support/stub-pool.js'

describe('pool.transaction', () => {
  it('wraps the callback in BEGIN and COMMIT on one connection', async () => {
    const { pool, dialect } = stubPool({ max: 2 })
    const result = await pool.transaction(async (tx) => {
      await tx.query('SELECT a')
      await tx.query('SELECT b')
      return 'done'
    })
    expect(result).toBe('done')
    expect(dialect.connections[0]!.statements).toEqual(['BEGIN', 'SELECT a', 'SELECT b', 'COMMIT'])
    expect(pool.stats().currentState.activeConnections).toBe(0)
    await pool.close()
  })

  it('rolls back and rethrows when the callback throws', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    await expect(
      pool.transaction(async (tx) => {
        await tx.query('SELECT a')
        throw new Error('nope')
      }),
    ).rejects.toThrow('nope')
    expect(dialect.connections[0]!.statements).toEqual(['BEGIN', 'SELECT a', 'ROLLBACK'])
    expect(dialect.connections[0]!.open).toBe(true)
    await pool.close()
  })

  it('closes the connection when even the rollback fails, and still reports the original error', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const run = dialect.run.bind(dialect)
    dialect.run = async (raw, sql) => {
      if (sql === 'ROLLBACK') throw new Error('rollback failed')
      return run(raw, sql)
    }
    await expect(
      pool.transaction(async () => {
        throw new Error('original')
      }),
    ).rejects.toThrow('original')
    expect(dialect.connections[0]!.open).toBe(false)
    expect(pool.stats().currentState.totalConnections).toBe(0)
    await pool.close()
  })

  it('gives the connection back when BEGIN itself fails', async () => {
    const { pool, dialect } = stubPool({ max: 1 })
    const run = dialect.run.bind(dialect)
    dialect.run = async (raw, sql) => {
      if (sql === 'BEGIN') throw new Error('cannot begin')
      return run(raw, sql)
    }
    await expect(pool.transaction(async () => 1)).rejects.toThrow('cannot begin')
    expect(pool.stats().currentState.activeConnections).toBe(0)
    await pool.close()
  })
})
