/**
 * The driver-shaped clients Drizzle talks to: a `pg.Pool` and a mysql2 pool
 * on Sluice. Their results are the driver's own; `connect()` (pg) and
 * `getConnection()` (mysql2) hand out one pooled connection each, given back
 * by `release()`, or by themselves when their first statement fails (Drizzle
 * sends BEGIN before the try/finally that would release them).
 */
import { ConnectionReleasedError } from '@sluice/core'
import { afterAll, describe, expect, it } from 'vitest'
import { createSluiceMysql2Client } from '../../src/mysql2/index.js'
import { createSluicePgClient } from '../../src/node-postgres/index.js'
import { MYSQL_URL, PG_URL } from '../support/databases.js'

describe('pool options', () => {
  it('take max: 1 alone (the default min follows it), for node-postgres and mysql2', async () => {
    const pgClient = createSluicePgClient({ connectionString: PG_URL, pool: { max: 1 } })
    const mysqlClient = createSluiceMysql2Client({ connectionString: MYSQL_URL, pool: { max: 1 } })
    try {
      expect(pgClient.sluice.config).toMatchObject({ min: 1, max: 1 })
      expect(mysqlClient.sluice.config).toMatchObject({ min: 1, max: 1 })
      expect((await pgClient.query('select 1 as n')).rows).toEqual([{ n: 1 }])
    } finally {
      await Promise.all([pgClient.end(), mysqlClient.end()])
    }
  })
})

describe('node-postgres: SluicePgPool', () => {
  const client = createSluicePgClient({ connectionString: PG_URL, pool: { min: 0, max: 2 } })
  afterAll(() => client.end())
  const active = () => client.sluice.stats().currentState.activeConnections

  it('is a pg.Pool that opens nothing until used, and counts what Sluice holds', async () => {
    const pg = await import('pg')
    expect(client).toBeInstanceOf(pg.default.Pool)
    expect(client.totalCount).toBe(0)
    const { rows } = await client.query('select $1::int + 1 as n', [41])
    expect(rows).toEqual([{ n: 42 }])
    expect(client.totalCount).toBe(1)
    expect(client.idleCount).toBe(1)
  })

  it("honours rowMode 'array' and pg's callback style", async () => {
    const result = await client.query({ text: 'select 1 as a, 2 as a', rowMode: 'array' })
    expect(result.rows).toEqual([[1, 2]])
    const viaCallback = await new Promise((resolve, reject) => {
      client.query('select 3 as n', (error: Error | undefined, r: { rows: unknown[] }) => (error ? reject(error) : resolve(r.rows)))
    })
    expect(viaCallback).toEqual([{ n: 3 }])
  })

  it('keeps a checked-out client on one backend until release, and refuses a second release', async () => {
    const checkedOut = await client.connect()
    const pid = async () => (await checkedOut.query('select pg_backend_pid() as pid')).rows[0].pid
    const first = await pid()
    await client.query('select 1')
    expect(await pid()).toBe(first)
    expect(active()).toBe(1)
    checkedOut.release()
    expect(active()).toBe(0)
    expect(() => checkedOut.release()).toThrow(ConnectionReleasedError)
    await expect(checkedOut.query('select 1')).rejects.toThrow(ConnectionReleasedError)
  })

  it('gives the connection back when the first statement fails, and borrows again if used again', async () => {
    const checkedOut = await client.connect()
    await expect(checkedOut.query('begin isolation level nonsense')).rejects.toThrow(/syntax error|nonsense/)
    expect(active()).toBe(0)
    await checkedOut.query('begin')
    await checkedOut.query("select set_config('sluice.x', 'kept', true)")
    expect((await checkedOut.query("select current_setting('sluice.x') as x")).rows).toEqual([{ x: 'kept' }])
    expect(active()).toBe(1)
    // a failure after the first statement is the borrower's to handle: the connection stays
    await expect(checkedOut.query('select no_such_column')).rejects.toThrow()
    expect(active()).toBe(1)
    await checkedOut.query('rollback')
    checkedOut.release()
    expect(active()).toBe(0)
  })

  it("runs statements with parameters prepared, from the engine's statement cache", async () => {
    const before = client.sluice.stats().statements
    for (let i = 0; i < 3; i++) await client.query({ text: 'select $1::int as n', values: [i], rowMode: 'array' })
    const after = client.sluice.stats().statements
    expect(after.misses + after.hits - before.misses - before.hits).toBe(3)
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(1)
  })

  it('answers every query form (named or not, rows as arrays or objects, values inline or apart) as pg.Pool does', async () => {
    const pg = (await import('pg')).default
    const stock = new pg.Pool({ connectionString: PG_URL, max: 2 })
    try {
      const text = 'select $1::int as n, $2::text as t, null::int as z'
      const forms = [
        [text, [1, 'a']],
        [{ text, values: [2, 'b'] }],
        [{ text, rowMode: 'array' }, [3, 'c']],
        [{ text, name: 'drizzle_forms_objects', values: [4, 'd'] }],
        [{ text, name: 'drizzle_forms_arrays', rowMode: 'array' }, [5, 'e']],
        [{ text: 'select n from generate_series(1, 3) n where n > $1', rowMode: 'array' }, [1]],
      ] as const
      for (const form of forms) {
        const [viaSluice, viaStock] = await Promise.all([client.query(...(form as [never, never])), stock.query(...(form as [never, never]))])
        expect({ rows: viaSluice.rows, rowCount: viaSluice.rowCount, command: viaSluice.command }).toEqual({ rows: viaStock.rows, rowCount: viaStock.rowCount, command: viaStock.command })
        expect(viaSluice.fields.map((f: { name: string; dataTypeID: number }) => [f.name, f.dataTypeID])).toEqual(viaStock.fields.map((f) => [f.name, f.dataTypeID]))
      }
      // a failing statement rejects (promise form) or calls back with the error (callback form), as pg.Pool
      await expect(client.query('select * from drizzle_no_such_table')).rejects.toMatchObject({ code: '42P01' })
      const viaCallback = await new Promise((resolve) => client.query('select * from drizzle_no_such_table', (error: Error | undefined) => resolve(error)))
      expect(viaCallback).toMatchObject({ code: '42P01' })
      // a malformed call rejects rather than throwing
      let running: Promise<unknown> | undefined
      expect(() => {
        running = (client.query as (config: unknown) => Promise<unknown>)({ values: [1] })
      }).not.toThrow()
      await expect(running).rejects.toThrow(TypeError)
    } finally {
      await stock.end()
    }
  })

  it('destroys the connection on release(error), as pg-pool does', async () => {
    const before = client.sluice.stats().connections.recycled
    const checkedOut = await client.connect()
    await checkedOut.query('select 1')
    checkedOut.release(new Error('bad state'))
    expect(client.sluice.stats().connections.recycled).toBe(before + 1)
  })
})

describe('mysql2: SluiceMysql2Pool', () => {
  const client = createSluiceMysql2Client({ connectionString: MYSQL_URL, pool: { min: 0, max: 2 } })
  afterAll(() => client.end())
  const active = () => client.sluice.stats().currentState.activeConnections

  it("answers in mysql2's [rows, fields] shape, as arrays with rowsAsArray", async () => {
    const [rows, fields] = await client.query('select ? + 1 as n', [41])
    expect(rows).toEqual([{ n: 42 }])
    expect(fields.map((field: { name: string }) => field.name)).toEqual(['n'])
    const [arrays] = await client.execute({ sql: 'select 1 as a, 2 as a', rowsAsArray: true })
    expect(arrays).toEqual([[1, 2]])
    const [header] = await client.query('do 1')
    expect(header).toMatchObject({ affectedRows: 0 })
  })

  it('gives the connection back when the first statement fails, and keeps it after that', async () => {
    const connection = await client.getConnection()
    await expect(connection.query('set transaction isolation level nonsense')).rejects.toThrow()
    expect(active()).toBe(0)
    await connection.beginTransaction()
    const [[first]] = await connection.query('select connection_id() as id')
    await expect(connection.query('select no_such_column')).rejects.toThrow()
    const [[second]] = await connection.query('select connection_id() as id')
    expect(second).toEqual(first)
    await connection.rollback()
    connection.release()
    expect(active()).toBe(0)
    expect(() => connection.release()).toThrow(ConnectionReleasedError)
  })
})
