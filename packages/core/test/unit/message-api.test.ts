import { describe, expect, it } from 'vitest'
import { OperationError } from '../../src/errors/operation-error.js'
import { stubPool } from '../support/stub-pool.js'

describe('process({ operation })', () => {
  it('runs the guide\'s initialize / acquire / execute / release / stats cycle', async () => {
    const { pool } = stubPool({ min: 1, max: 2 })
    expect(await pool.process({ operation: 'initialize' })).toEqual({ status: 'initialized', minConnections: 1, maxConnections: 2, database: 'stub://test' })
    const acquired = (await pool.process({ operation: 'acquire' })) as { connectionId: string; healthScore: number; acquisitionTimeMs: number }
    expect(acquired.connectionId).toBe('conn-1')
    expect(acquired.healthScore).toBe(100)
    expect(acquired.acquisitionTimeMs).toBeGreaterThanOrEqual(0)
    const one = await pool.process({ operation: 'execute', connectionId: 'conn-1', query: 'SELECT n', fetchMode: 'one' })
    expect(one).toMatchObject({ success: true, data: { n: 1 }, rowCount: 3 })
    const many = await pool.process({ operation: 'execute', connectionId: 'conn-1', query: 'SELECT n', fetchMode: 'many', fetchSize: 2 })
    expect(many).toMatchObject({ data: [{ n: 1 }, { n: 2 }] })
    expect(await pool.process({ operation: 'release', connectionId: 'conn-1' })).toEqual({ status: 'released', connectionId: 'conn-1' })
    const stats = (await pool.process({ operation: 'stats' })) as ReturnType<typeof pool.stats>
    expect(stats.queries.executed).toBe(2)
    expect(stats.currentState.activeConnections).toBe(0)
    await pool.close()
  })

  it('executes without a connection id by borrowing one for the statement', async () => {
    const { pool } = stubPool()
    expect(await pool.process({ operation: 'execute', query: 'SELECT n' })).toMatchObject({ data: [{ n: 1 }, { n: 2 }, { n: 3 }] })
    expect(pool.stats().currentState.activeConnections).toBe(0)
    await pool.close()
  })

  it('names the operation and the field of a bad message', async () => {
    const { pool } = stubPool()
    await expect(pool.process({ operation: 'explode' } as never)).rejects.toThrow(
      'process({ operation: "explode" }): unknown operation; expected one of initialize, acquire, execute, release, stats',
    )
    const error = await pool.process({ operation: 'execute', query: '' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as OperationError).field).toBe('query')
    await expect(pool.process({ operation: 'execute', query: 'SELECT 1', params: 'x' as never })).rejects.toThrow('params must be an array')
    await expect(pool.process({ operation: 'execute', query: 'SELECT 1', fetchMode: 'some' as never })).rejects.toThrow('fetchMode must be one of one, all, many, none')
    await expect(pool.process({ operation: 'release', connectionId: 'conn-9' })).rejects.toThrow(
      'process({ operation: "release" }): no connection "conn-9" is held through process(); acquire one first',
    )
    await pool.close()
  })
})
