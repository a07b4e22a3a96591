import { describe, expect, expectTypeOf, it } from 'vitest'
import type { PoolStats } from '../../src/metrics/pool-stats.js'
import { ArgumentError } from '../../src/errors/argument-error.js'
import { createPool } from '../../src/pool.js'
import type { AcquireResult, ExecuteResult, InitializeResult, ReleaseResult } from '../../src/pool/message-api.js'
import { StubDialect } from '../support/stub-dialect.js'
import { stubPool } from '../support/stub-pool.js'

async function argumentError(promise: Promise<unknown>): Promise<ArgumentError> {
  const error = await promise.then(
    () => expect.unreachable('should have been rejected'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ArgumentError)
  return error as ArgumentError
}

describe('misuse gives a typed error naming the argument', () => {
  it.each([
    [42, 'query: sql must be a string or { text, values }, got number'],
    [undefined, 'query: sql must be a string or { text, values }, got undefined'],
    [['SELECT 1'], 'query: sql must be a string or { text, values }, got an array'],
    [{ txt: 'SELECT 1' }, 'query: sql must be a string or { text, values }, got an object without a text string'],
  ])('pool.query(%j) rejects with an ArgumentError naming sql', async (sql, message) => {
    const { pool, dialect } = stubPool()
    const error = await argumentError(pool.query(sql as never))
    expect(error.argument).toBe('sql')
    expect(error.code).toBe('SLUICE_ARGUMENT')
    expect(error.message).toBe(message)
    expect(dialect.connectAttempts).toBe(0) // refused before borrowing anything
  })

  it('refuses params that are not an array, without printing them', async () => {
    const { pool } = stubPool()
    const error = await argumentError(pool.query('SELECT $1', 'hunter2' as never))
    expect(error.argument).toBe('params')
    expect(error.message).toBe('query: params must be an array of values bound to the placeholders, got string')
  })

  it.each([
    [42, 'sql', 'execute: sql must be a string or { text, values }, got number'],
    ['SELECT $1', 'params', 'execute: params must be an array of values bound to the placeholders, got string'],
  ])('pool.execute(%j, ...) rejects (never throws) with an ArgumentError', async (sql, argument, message) => {
    const { pool, dialect } = stubPool()
    let running: Promise<unknown> | undefined
    expect(() => {
      running = pool.execute(sql as never, 'hunter2' as never)
    }).not.toThrow()
    const error = await argumentError(running!)
    expect(error.argument).toBe(argument)
    expect(error.message).toBe(message)
    expect(dialect.connectAttempts).toBe(0)
  })

  it('refuses values given twice', async () => {
    const { pool } = stubPool()
    const error = await argumentError(pool.query({ text: 'SELECT $1', values: [1] }, [2]))
    expect(error.argument).toBe('params')
  })

  it.each([
    ['first', 'query: options.fetch must be one of one, all, many, none, got "first"'],
    [1, 'query: options.fetch must be one of one, all, many, none, got number'],
  ])('rejects fetch: %j before the statement runs', async (fetch, message) => {
    const { pool, dialect } = stubPool()
    const error = await argumentError(pool.query('SELECT 1', [], { fetch } as never))
    expect(error.argument).toBe('options.fetch')
    expect(error.message).toBe(message)
    expect(dialect.connectAttempts).toBe(0)
  })

  it('rejects an unknown fetch mode on a borrowed connection too', async () => {
    const { pool, dialect } = stubPool()
    const conn = await pool.acquire()
    await argumentError(conn.query('SELECT 1', [], { fetch: 'first' } as never))
    await argumentError(conn.execute(7 as never))
    conn.release()
    expect(dialect.connections[0]!.statements).toEqual([])
  })

  it('takes max alone: the default min follows it', () => {
    const dialect = new StubDialect()
    expect(createPool({ dialect, max: 1 }).config).toMatchObject({ min: 1, max: 1 })
    expect(createPool({ dialect, max: 5 }).config).toMatchObject({ min: 2, max: 5 })
    // a min the user set is still checked against max
    expect(() => createPool({ dialect, min: 3, max: 1 })).toThrow('Sluice: invalid option min = 3: must not exceed max (1)')
  })
})

describe('pool.process() is typed by operation', () => {
  it('returns the result of each operation as its own type', async () => {
    const { pool } = stubPool()
    const initialized = await pool.process({ operation: 'initialize' })
    expectTypeOf(initialized).toEqualTypeOf<InitializeResult>()
    const { connectionId } = await pool.process({ operation: 'acquire' })
    expectTypeOf(connectionId).toEqualTypeOf<string>()
    const executed = await pool.process({ operation: 'execute', connectionId, query: 'SELECT 1', fetchMode: 'one' })
    expectTypeOf(executed).toEqualTypeOf<ExecuteResult>()
    expect(executed.data).toEqual({ n: 1 })
    const released = await pool.process({ operation: 'release', connectionId })
    expectTypeOf(released).toEqualTypeOf<ReleaseResult>()
    expect(released.status).toBe('released')
    const stats = await pool.process({ operation: 'stats' })
    expectTypeOf(stats).toEqualTypeOf<PoolStats>()
    const acquireInWorkflow = () => pool.process({ operation: 'acquire', workflowId: 'w' }) // types only, never called
    expectTypeOf(acquireInWorkflow).returns.resolves.toEqualTypeOf<AcquireResult>()
    await pool.close()
  })
})
