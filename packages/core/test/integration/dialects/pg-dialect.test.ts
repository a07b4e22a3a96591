import { createServer, type Socket } from 'node:net'
import { inspect } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/config-error.js'
import { PgDialect, postgres } from '../../../src/dialects/pg/index.js'
import { resolvePostgresConfig } from '../../../src/dialects/pg/pg-dialect-config.js'
import type { PgClient } from '../../../src/dialects/pg/pg-driver-types.js'
import { PG_URL, TEST_PASSWORD } from '../../support/databases.js'
import { collect, rejection, until } from '../../support/promises.js'

const dialect = new PgDialect({ connectionString: PG_URL })

async function withClient<T>(fn: (client: PgClient) => Promise<T>, using: PgDialect = dialect): Promise<T> {
  const client = await using.connect()
  try {
    return await fn(client)
  } finally {
    await using.close(client)
  }
}

async function scalar(client: PgClient, sql: string, params?: unknown[]): Promise<unknown> {
  const { rows } = await dialect.run(client, sql, params, { rowMode: 'array' })
  return (rows[0] as unknown as unknown[] | undefined)?.[0]
}

async function backendPid(client: PgClient): Promise<number> {
  return Number(await scalar(client, 'SELECT pg_backend_pid()'))
}

/** Kills a backend from a second connection, as an operator would. */
async function terminate(pid: number): Promise<void> {
  await withClient(async (admin) => {
    expect(await scalar(admin, 'SELECT pg_terminate_backend($1)', [pid])).toBe(true)
  })
}

/** Records the text of every statement pg is asked to run on `client`. */
function recordQueries(client: PgClient): string[] {
  const texts: string[] = []
  const original = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => ReturnType<PgClient['query']>
  // every argument passes through: the dialect runs unnamed statements in pg's callback form
  client.query = ((config: string | { text: string }, ...rest: unknown[]) => {
    texts.push(typeof config === 'string' ? config : config.text)
    return original(config, ...rest)
  }) as PgClient['query']
  return texts
}

/** Fails the test if anything escapes as an uncaught exception or unhandled rejection meanwhile. */
async function expectNothingUnhandled(fn: () => Promise<void>): Promise<void> {
  const escaped: unknown[] = []
  const record = (error: unknown) => escaped.push(error)
  process.on('uncaughtException', record)
  process.on('unhandledRejection', record)
  try {
    await fn()
    // late socket events arrive after the promise settles
    await new Promise((resolve) => setTimeout(resolve, 200))
  } finally {
    process.off('uncaughtException', record)
    process.off('unhandledRejection', record)
  }
  expect(escaped).toEqual([])
}

beforeAll(async () => {
  await withClient(async (client) => {
    await dialect.run(client, 'DROP TABLE IF EXISTS pgdialect_items, pgdialect_reset', undefined, {})
    await dialect.run(client, 'CREATE TABLE pgdialect_items (id int PRIMARY KEY, name text NOT NULL)', undefined, {})
    await dialect.run(client, 'CREATE TABLE pgdialect_reset (id int PRIMARY KEY)', undefined, {})
  })
})

afterAll(async () => {
  await withClient(async (client) => {
    await dialect.run(client, 'DROP TABLE IF EXISTS pgdialect_items, pgdialect_reset', undefined, {})
  })
})

describe('pg dialect: identity', () => {
  it('names its kind, statements and a password-free description', () => {
    const fromUrl = postgres({ connectionString: PG_URL })
    expect(fromUrl.kind).toBe('postgres')
    expect(fromUrl.defaultHealthCheckQuery).toBe('SELECT 1')
    expect(fromUrl.beginStatement).toBe('BEGIN')
    // the test URL without its password (a helper may point the suite at a database of its own)
    expect(fromUrl.description).toBe(withoutPassword(PG_URL))

    const fromParts = postgres({ host: '127.0.0.1', user: 'sluice', password: TEST_PASSWORD, database: 'sluice' })
    expect(fromParts.description).toBe('postgres://sluice@127.0.0.1:5432/sluice')

    const queryPassword = postgres({ connectionString: `postgres://sluice@db:6432/shop?password=${TEST_PASSWORD}` })
    expect(queryPassword.description).toBe('postgres://sluice@db:6432/shop?password=redacted')
  })

  it('keeps the password out of everything it exposes', () => {
    const withParts = new PgDialect({ host: '127.0.0.1', user: 'sluice', password: TEST_PASSWORD })
    for (const shown of [inspect(withParts, { depth: 5 }), JSON.stringify(withParts), String(withParts)]) {
      expect(shown).not.toContain(TEST_PASSWORD)
    }
    const resolved = resolvePostgresConfig({ connectionString: PG_URL })
    expect(JSON.stringify(resolved)).not.toContain(TEST_PASSWORD)
    expect(inspect(resolved, { depth: 5 })).not.toContain(TEST_PASSWORD)
    expect(Object.keys(resolved)).not.toContain('connectionString')
    expect(resolved.connectionString).toBe(PG_URL)
    expect(Object.isFrozen(resolved)).toBe(true)
    const parts = resolvePostgresConfig({ password: TEST_PASSWORD })
    expect({ ...parts }).not.toHaveProperty('password')
    expect(parts.password).toBe(TEST_PASSWORD)
  })

  it('applies its defaults', () => {
    const resolved = resolvePostgresConfig({})
    expect(resolved.connectTimeoutMillis).toBe(10_000)
    expect(resolved.applicationName).toBe('sluice')
    expect(resolved.statementTimeoutMillis).toBeUndefined()
  })
})

describe('pg dialect: config validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['port -1', { port: -1 }, 'dialect.port'],
    ['port as a string', { port: '5432' }, 'dialect.port'],
    ['port too high', { port: 70_000 }, 'dialect.port'],
    ['negative connect timeout', { connectTimeoutMillis: -5 }, 'dialect.connectTimeoutMillis'],
    ['fractional connect timeout', { connectTimeoutMillis: 1.5 }, 'dialect.connectTimeoutMillis'],
    ['NaN statement timeout', { statementTimeoutMillis: Number.NaN }, 'dialect.statementTimeoutMillis'],
    ['negative statement timeout', { statementTimeoutMillis: -1 }, 'dialect.statementTimeoutMillis'],
    ['numeric application name', { applicationName: 42 }, 'dialect.applicationName'],
    ['empty host', { host: '' }, 'dialect.host'],
    ['numeric user', { user: 7 }, 'dialect.user'],
    ['ssl as a string', { ssl: 'require' }, 'dialect.ssl'],
    ['driver without Client', { driver: {} }, 'dialect.driver'],
    ['types without getTypeParser', { types: {} }, 'dialect.types'],
    ['numeric password', { password: 12345 }, 'dialect.password'],
    ['unparseable connection string', { connectionString: `not a url ${TEST_PASSWORD}` }, 'dialect.connectionString'],
    ['mysql connection string', { connectionString: `mysql://sluice:${TEST_PASSWORD}@h/db` }, 'dialect.connectionString'],
    ['connection string and host', { connectionString: PG_URL, host: 'other' }, 'dialect.host'],
    ['connection string and password', { connectionString: PG_URL, password: TEST_PASSWORD }, 'dialect.password'],
    ['a misspelt key', { hots: 'db' }, 'dialect.hots'],
    ['a misspelt secret key', { pw: TEST_PASSWORD, user: 'sluice' }, 'dialect.pw'],
    ['an array', [], 'dialect'],
    ['null', null, 'dialect'],
  ]

  for (const [name, input, field] of cases) {
    it(`rejects ${name}, naming ${field} and never the password`, () => {
      let caught: unknown
      try {
        postgres(input as never)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(ConfigError)
      const error = caught as ConfigError
      expect(error.field).toBe(field)
      expect(error.code).toBe('SLUICE_CONFIG')
      expect(error.message).toContain(field)
      expect(error.message).not.toContain(TEST_PASSWORD)
      expect(inspect(error)).not.toContain(TEST_PASSWORD)
    })
  }

  it('words its messages exactly', () => {
    expect(() => postgres({ port: -1 })).toThrow('Sluice: invalid option dialect.port = -1: must be an integer between 1 and 65535')
    expect(() => postgres({ connectTimeoutMillis: -5 })).toThrow(
      'Sluice: invalid option dialect.connectTimeoutMillis = -5: must be an integer >= 0',
    )
    expect(() => postgres({ hots: 'db' } as never)).toThrow(
      'Sluice: invalid option dialect.hots = "<not shown>": unknown option; expected one of connectionString, host, port, user, password, database, ssl, connectTimeoutMillis, applicationName, statementTimeoutMillis, driver, types',
    )
  })

  it('accepts every documented option', () => {
    const dialectWithAll = postgres({
      host: '127.0.0.1',
      port: 5432,
      user: 'sluice',
      password: () => Promise.resolve(TEST_PASSWORD),
      database: 'sluice',
      ssl: false,
      connectTimeoutMillis: 0,
      applicationName: '',
      statementTimeoutMillis: 0,
      driver: pg,
      types: pg.types,
    })
    expect(dialectWithAll.description).toBe('postgres://sluice@127.0.0.1:5432/sluice')
  })
})

describe('pg dialect: run', () => {
  it('runs with bound parameters and reports command, fields and affected rows', async () => {
    await withClient(async (client) => {
      const insert = await dialect.run(client, 'INSERT INTO pgdialect_items (id, name) VALUES ($1, $2), ($3, $4)', [1, 'one', 2, "two'; DROP TABLE x; --"], {})
      expect(insert.command).toBe('INSERT')
      expect(insert.affectedRows).toBe(2)
      expect(insert.rows).toEqual([])

      const select = await dialect.run(client, 'SELECT id, name FROM pgdialect_items WHERE id >= $1 ORDER BY id', [1], {})
      expect(select.command).toBe('SELECT')
      expect(select.affectedRows).toBeUndefined()
      expect(select.fields).toMatchObject([{ name: 'id' }, { name: 'name' }])
      // pg's own field descriptions, handed through as pg.Pool does: no copy per statement
      expect(select.fields).toBe((select.raw as pg.QueryResult).fields)
      expect(select.fields?.[0]).toMatchObject({ name: 'id', dataTypeID: 23 })
      expect(select.rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: "two'; DROP TABLE x; --" },
      ])
      expect((select.raw as pg.QueryResult).rowCount).toBe(2)

      const update = await dialect.run(client, 'UPDATE pgdialect_items SET name = upper(name) WHERE id = $1', [1], {})
      expect(update).toMatchObject({ command: 'UPDATE', affectedRows: 1 })
      const none = await dialect.run(client, 'DELETE FROM pgdialect_items WHERE id = $1', [99], {})
      expect(none).toMatchObject({ command: 'DELETE', affectedRows: 0 })
      const deleted = await dialect.run(client, 'DELETE FROM pgdialect_items', undefined, {})
      expect(deleted).toMatchObject({ command: 'DELETE', affectedRows: 2 })
    })
  })

  it('maps a multi-statement query to its last result and keeps pg’s results as raw', async () => {
    await withClient(async (client) => {
      const result = await dialect.run(client, 'SELECT 1 AS one; SELECT 2 AS two, 3 AS three', undefined, {})
      expect(result.rows).toEqual([{ two: 2, three: 3 }])
      expect(result.command).toBe('SELECT')
      expect(result.fields).toMatchObject([{ name: 'two' }, { name: 'three' }])
      expect(result.fields).toHaveLength(2)
      expect(Array.isArray(result.raw)).toBe(true)
      expect((result.raw as unknown[]).length).toBe(2)

      const writes = await dialect.run(client, 'INSERT INTO pgdialect_items VALUES (10, $$a$$); UPDATE pgdialect_items SET name = $$b$$ WHERE id = 10', undefined, {})
      expect(writes).toMatchObject({ command: 'UPDATE', affectedRows: 1 })
      await dialect.run(client, 'DELETE FROM pgdialect_items', undefined, {})
    })
  })

  it('fails a statement with pg’s own error, settled, its stack leading back to the caller (as pg’s promise form has it)', async () => {
    await withClient(async (client) => {
      // the dialect takes pg's answers by callback; the stack must still name the code that awaited, not pg's socket handler
      async function callerOfUnnamed(): Promise<unknown> {
        return await dialect.run(client, 'SELECT nope_unnamed', undefined, {})
      }
      async function callerOfNamed(): Promise<unknown> {
        return await dialect.run(client, 'SELECT nope_named WHERE $1::int = 1', [1], {})
      }
      for (const [caller, column] of [[callerOfUnnamed, 'nope_unnamed'], [callerOfNamed, 'nope_named']] as const) {
        const error = (await rejection(caller())) as Error & { code?: string }
        expect(error).toBeInstanceOf(pg.DatabaseError)
        expect(error).toMatchObject({ code: '42703', message: `column "${column}" does not exist` })
        expect(error.stack).toContain(caller.name)
        expect(error.stack).not.toContain('onStreamRead')
        // settled at its ReadyForQuery: the status is already the new one, and the connection goes on
        expect(dialect.inTransaction(client)).toBe(false)
        expect(await scalar(client, 'SELECT 5')).toBe(5)
      }
    })
  })

  it('pings with the given statement and rejects when it fails', async () => {
    await withClient(async (client) => {
      await expect(dialect.ping(client, 'SELECT 1')).resolves.toBeUndefined()
      await expect(dialect.ping(client, 'SELECT nope')).rejects.toMatchObject({ code: '42703' })
    })
  })

  it('sets application_name and statement_timeout on the session', async () => {
    expect(await withClient((client) => scalar(client, 'SHOW application_name'))).toBe('sluice')
    const tuned = new PgDialect({ connectionString: PG_URL, applicationName: 'pgdialect-app', statementTimeoutMillis: 1234 })
    await withClient(async (client) => {
      expect(await scalar(client, 'SHOW application_name')).toBe('pgdialect-app')
      expect(await scalar(client, 'SHOW statement_timeout')).toBe('1234ms')
    }, tuned)
  })

  it('uses the given pg module and type parsers', async () => {
    let constructed = 0
    class CountingClient extends pg.Client {
      constructor(config: pg.ClientConfig) {
        super(config)
        constructed++
      }
    }
    const types = { getTypeParser: (oid: number, format?: string) => (oid === 20 ? BigInt : pg.types.getTypeParser(oid, format as 'text')) }
    const shared = new PgDialect({ connectionString: PG_URL, driver: { Client: CountingClient }, types })
    expect(await withClient((client) => scalar(client, 'SELECT 9007199254740993::int8'), shared)).toBe(9007199254740993n)
    expect(constructed).toBe(1)
  })
})

describe('pg dialect: isFatal', () => {
  it('tells server error codes apart by SQLSTATE, not by message', () => {
    const serverError = (code: string, severity = 'ERROR', message = 'x') => Object.assign(new Error(message), { code, severity })
    expect(dialect.isFatal(serverError('40P01'))).toBe(false)
    expect(dialect.isFatal(serverError('40001'))).toBe(false)
    expect(dialect.isFatal(serverError('P0001', 'ERROR', 'Connection terminated unexpectedly'))).toBe(false)
    expect(dialect.isFatal(serverError('08006'))).toBe(true)
    expect(dialect.isFatal(serverError('08P01'))).toBe(true)
    expect(dialect.isFatal(serverError('57P01', 'FATAL'))).toBe(true)
    expect(dialect.isFatal(serverError('57P02', 'FATAL'))).toBe(true)
    expect(dialect.isFatal(serverError('57P03', 'FATAL'))).toBe(true)
    expect(dialect.isFatal(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true)
    expect(dialect.isFatal(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true)
    expect(dialect.isFatal(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(dialect.isFatal(new Error('Client has encountered a connection error and is not queryable'))).toBe(true)
    expect(dialect.isFatal(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true)
    expect(dialect.isFatal(new Error('something else'))).toBe(false)
    expect(dialect.isFatal('Connection terminated')).toBe(false)
    expect(dialect.isFatal(undefined)).toBe(false)
  })

  it('reports a backend killed while idle through watch, and the next run fails fatally', async () => {
    await expectNothingUnhandled(async () => {
      const client = await dialect.connect()
      const lost: Error[] = []
      dialect.watch(client, (error) => lost.push(error))
      await terminate(await backendPid(client))
      await until(() => lost.length > 0, 'onLost')
      expect(lost.some((error) => dialect.isFatal(error))).toBe(true)
      const error = await rejection(dialect.run(client, 'SELECT 1', undefined, {}))
      expect(dialect.isFatal(error)).toBe(true)
      await dialect.close(client)
      await dialect.close(client)
    })
  })

  it('fails a statement whose backend is killed mid-query with a fatal error', async () => {
    await expectNothingUnhandled(async () => {
      const client = await dialect.connect()
      const pid = await backendPid(client)
      const started = Date.now()
      const sleeping = rejection(dialect.run(client, 'SELECT pg_sleep(5)', undefined, {}))
      await withClient(async (observer) => {
        await until(async () => (await scalar(observer, "SELECT count(*)::int FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [pid])) === 1, 'the sleep to start')
      })
      await terminate(pid)
      const error = await sleeping
      expect(Date.now() - started).toBeLessThan(4_000)
      expect((error as { code?: string }).code).toBe('57P01')
      expect(dialect.isFatal(error)).toBe(true)
      await dialect.close(client)
    })
  })

  it('does not report its own close as a loss', async () => {
    const client = await dialect.connect()
    const lost: Error[] = []
    dialect.watch(client, (error) => lost.push(error))
    await dialect.close(client)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(lost).toEqual([])
  })
})

describe('pg dialect: transactions and reset', () => {
  it('follows BEGIN, COMMIT and an aborted transaction', async () => {
    await withClient(async (client) => {
      expect(dialect.inTransaction(client)).toBe(false)
      await dialect.run(client, 'BEGIN', undefined, {})
      expect(dialect.inTransaction(client)).toBe(true)
      await dialect.run(client, 'COMMIT', undefined, {})
      expect(dialect.inTransaction(client)).toBe(false)
      await dialect.run(client, 'BEGIN', undefined, {})
      await rejection(dialect.run(client, 'SELECT 1 / 0', undefined, {}))
      expect(client.getTransactionStatus?.()).toBe('E')
      expect(dialect.inTransaction(client)).toBe(true)
      await dialect.run(client, 'ROLLBACK', undefined, {})
      expect(dialect.inTransaction(client)).toBe(false)
    })
  })

  it('rolls back an open transaction on reset', async () => {
    await withClient(async (client) => {
      await dialect.run(client, 'BEGIN', undefined, {})
      await dialect.run(client, 'INSERT INTO pgdialect_reset VALUES (1)', undefined, {})
      await dialect.reset(client, { full: false })
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT count(*)::int FROM pgdialect_reset')).toBe(0)

      await dialect.run(client, 'BEGIN', undefined, {})
      await rejection(dialect.run(client, 'SELECT 1 / 0', undefined, {}))
      await dialect.reset(client, { full: false })
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT 1')).toBe(1)

      // the statement that opens the transaction is the one that fails: status goes I -> E
      await rejection(dialect.run(client, 'BEGIN; INSERT INTO pgdialect_reset VALUES (2); SELECT 1 / 0', undefined, {}))
      expect(dialect.inTransaction(client)).toBe(true)
      await dialect.reset(client, { full: false })
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT count(*)::int FROM pgdialect_reset')).toBe(0)
    })
  })

  it('keeps session state on a plain reset and clears it on a full one', async () => {
    const tuned = new PgDialect({ connectionString: PG_URL, statementTimeoutMillis: 4321 })
    await withClient(async (client) => {
      await dialect.run(client, "SET work_mem = '7MB'", undefined, {})
      await dialect.run(client, 'CREATE TEMP TABLE pgdialect_temp (id int)', undefined, {})
      await client.query({ name: 'pgdialect_named', text: 'SELECT 5 AS five' })

      await tuned.reset(client, { full: false })
      expect(await scalar(client, 'SHOW work_mem')).toBe('7MB')

      await dialect.run(client, 'BEGIN', undefined, {})
      await tuned.reset(client, { full: true })
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SHOW work_mem')).toBe('4MB')
      expect(await scalar(client, "SELECT to_regclass('pgdialect_temp') IS NULL")).toBe(true)
      // settings from the connect options are the session's defaults and survive
      expect(await scalar(client, 'SHOW statement_timeout')).toBe('4321ms')
      expect(await scalar(client, 'SHOW application_name')).toBe('sluice')
      // pg must re-prepare the named statement DISCARD ALL deallocated
      const again = (await client.query({ name: 'pgdialect_named', text: 'SELECT 5 AS five' })) as pg.QueryResult
      expect(again.rows).toEqual([{ five: 5 }])
    }, tuned)
  })
})

describe('pg dialect: close', () => {
  it('is safe twice, concurrently and on a killed connection', async () => {
    await expectNothingUnhandled(async () => {
      const client = await dialect.connect()
      await dialect.close(client)
      await dialect.close(client)
      await expect(dialect.run(client, 'SELECT 1', undefined, {})).rejects.toThrow('Client was closed and is not queryable')

      const other = await dialect.connect()
      await Promise.all([dialect.close(other), dialect.close(other)])

      const killed = await dialect.connect()
      await terminate(await backendPid(killed))
      await dialect.close(killed)
      await dialect.close(killed)
    })
  })
})

describe('pg dialect: stream', () => {
  /** The row limit of every Execute the client sends (one per round trip of a stream). */
  function recordExecutes(client: PgClient): number[] {
    const connection = client.connection as unknown as { execute(config: { rows?: number }): void }
    const original = connection.execute.bind(connection)
    const limits: number[] = []
    connection.execute = (config) => {
      limits.push(config.rows ?? 0)
      original(config)
    }
    return limits
  }

  it('yields all rows of a large result through a portal, a chunk per round trip, with no transaction or cursor statements', async () => {
    await withClient(async (client) => {
      const texts = recordQueries(client)
      const executes = recordExecutes(client)
      const rows = await collect(dialect.stream(client, 'SELECT n FROM generate_series(1, $1::int) AS n;', [10_000], { chunkSize: 1_000 }))
      expect(rows.length).toBe(10_000)
      expect(rows[0]).toEqual({ n: 1 })
      expect(rows[9_999]).toEqual({ n: 10_000 })
      expect(rows.every((row, i) => row.n === i + 1)).toBe(true)
      // ten full chunks, then the one that finds the end
      expect(executes).toEqual(Array.from({ length: 11 }, () => 1_000))
      expect(texts.filter((t) => typeof t === 'string')).toEqual([])
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT count(*)::int FROM pg_cursors')).toBe(0)
    })
  })

  it('streams INSERT, UPDATE and DELETE ... RETURNING, which a DECLARE CURSOR refuses', async () => {
    await withClient(async (client) => {
      await dialect.run(client, 'CREATE TEMP TABLE stream_dml (id int PRIMARY KEY, note text)', undefined, {})
      const inserted = await collect(dialect.stream(client, 'INSERT INTO stream_dml SELECT n, $1 FROM generate_series(1, 25) n RETURNING id, note', ['new'], { chunkSize: 10 }))
      expect(inserted).toEqual(Array.from({ length: 25 }, (_, i) => ({ id: i + 1, note: 'new' })))
      const updated = await collect(dialect.stream(client, 'UPDATE stream_dml SET note = $1 WHERE id <= 12 RETURNING id, note', ['changed'], { chunkSize: 5 }))
      expect(updated.map((row) => row.note)).toEqual(Array.from({ length: 12 }, () => 'changed'))
      const deleted = await collect(dialect.stream(client, 'DELETE FROM stream_dml WHERE id > 20 RETURNING id', undefined, { chunkSize: 2 }))
      expect(deleted.map((row) => row.id).sort((a, b) => Number(a) - Number(b))).toEqual([21, 22, 23, 24, 25])
      expect(await scalar(client, 'SELECT count(*)::int FROM stream_dml')).toBe(20)
      expect(dialect.inTransaction(client)).toBe(false)
    })
  })

  it('a DML statement runs whole even when the consumer stops early (as with pg-cursor)', async () => {
    await withClient(async (client) => {
      await dialect.run(client, 'CREATE TEMP TABLE stream_dml_early (id int)', undefined, {})
      for await (const row of dialect.stream(client, 'INSERT INTO stream_dml_early SELECT generate_series(1, 50) RETURNING id', undefined, { chunkSize: 10 })) {
        if (row.id === 3) break
      }
      expect(await scalar(client, 'SELECT count(*)::int FROM stream_dml_early')).toBe(50)
    })
  })

  it('binds parameters instead of splicing them', async () => {
    await withClient(async (client) => {
      const texts = recordQueries(client)
      const rows = await collect(
        dialect.stream(client, 'SELECT n, $2::text AS tag FROM generate_series(1, $1::int) n WHERE n % 3 = 0', [10, "x'); DROP TABLE pgdialect_items; --"], { chunkSize: 2 }),
      )
      expect(rows).toEqual([3, 6, 9].map((n) => ({ n, tag: "x'); DROP TABLE pgdialect_items; --" })))
      expect(texts.some((t) => typeof t === 'string' && t.includes('DROP TABLE'))).toBe(false)
    })
  })

  it('maps values and rows as pg does: Dates, JSON, custom type parsers', async () => {
    await withClient(async (client) => {
      const at = new Date('2022-01-01T02:00:00Z')
      const rows = await collect(dialect.stream(client, 'SELECT $1::timestamptz AS at, $2::jsonb AS doc, 2::int8 AS big', [at, { a: [1] }], { chunkSize: 1 }))
      expect(rows).toEqual([{ at, doc: { a: [1] }, big: '2' }])
    })
  })

  it('closes its portal when the consumer breaks early, and the connection goes on', async () => {
    await withClient(async (client) => {
      const executes = recordExecutes(client)
      const seen: unknown[] = []
      for await (const row of dialect.stream(client, 'SELECT n FROM generate_series(1, 10000) n', undefined, { chunkSize: 100 })) {
        seen.push(row.n)
        if (seen.length === 5) break
      }
      expect(seen).toEqual([1, 2, 3, 4, 5])
      expect(executes).toEqual([100])
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT count(*)::int FROM pg_cursors')).toBe(0)
      expect(await scalar(client, 'SELECT 7')).toBe(7)
    })
  })

  it('inside an open transaction, neither begins nor commits it', async () => {
    await withClient(async (client) => {
      await dialect.run(client, 'BEGIN', undefined, {})
      await dialect.run(client, 'INSERT INTO pgdialect_reset VALUES (42)', undefined, {})
      const texts = recordQueries(client)
      const all = await collect(dialect.stream(client, 'SELECT id FROM pgdialect_reset', undefined, { chunkSize: 10 }))
      expect(all).toEqual([{ id: 42 }])
      for await (const row of dialect.stream(client, 'SELECT n FROM generate_series(1, 100) n', undefined, { chunkSize: 10 })) {
        if (row.n === 2) break
      }
      expect(texts.filter((t) => typeof t === 'string')).toEqual([])
      expect(dialect.inTransaction(client)).toBe(true)
      expect(await scalar(client, 'SELECT count(*)::int FROM pg_cursors')).toBe(0)
      await dialect.run(client, 'ROLLBACK', undefined, {})
      expect(await scalar(client, 'SELECT count(*)::int FROM pgdialect_reset')).toBe(0)
    })
  })

  it('rejects with the statement’s error, before the first row or midway, and leaves the connection usable', async () => {
    await withClient(async (client) => {
      const error = await rejection(collect(dialect.stream(client, 'SELECT nope FROM generate_series(1, 3)', undefined, { chunkSize: 10 })))
      expect((error as { code?: string }).code).toBe('42703')
      expect(dialect.inTransaction(client)).toBe(false)
      const midway = await rejection(collect(dialect.stream(client, 'SELECT 10 / (5 - n) FROM generate_series(1, 10) n', undefined, { chunkSize: 2 })))
      expect((midway as { code?: string }).code).toBe('22012')
      expect(dialect.inTransaction(client)).toBe(false)
      expect(await scalar(client, 'SELECT 3')).toBe(3)
      // in a transaction block the error aborts it, as any statement's would
      await dialect.run(client, 'BEGIN', undefined, {})
      await rejection(collect(dialect.stream(client, 'SELECT nope', undefined, { chunkSize: 10 })))
      expect(client.getTransactionStatus?.()).toBe('E')
      await dialect.run(client, 'ROLLBACK', undefined, {})
      expect(await scalar(client, 'SELECT 4')).toBe(4)
    })
  })

  it('rejects a chunk size below 1', async () => {
    await withClient(async (client) => {
      expect(() => dialect.stream(client, 'SELECT 1', undefined, { chunkSize: 0 })).toThrow(ConfigError)
    })
  })
})

describe('pg dialect: pg without getTransactionStatus (pg < 8.21, native)', () => {
  class OldClient extends pg.Client {
    override getTransactionStatus(): never {
      return null as never
    }
  }
  const old = new PgDialect({ connectionString: PG_URL, driver: { Client: OldClient } })

  it('says it does not know, still resets, and streams without touching the caller’s transaction', async () => {
    await withClient(async (client) => {
      expect(old.inTransaction(client)).toBeUndefined()
      await old.run(client, 'BEGIN', undefined, {})
      await old.run(client, 'INSERT INTO pgdialect_reset VALUES (7)', undefined, {})
      expect(await collect(old.stream(client, 'SELECT id FROM pgdialect_reset', undefined, { chunkSize: 5 }))).toEqual([{ id: 7 }])
      await old.reset(client, { full: false })
      expect(await scalar(client, 'SELECT count(*)::int FROM pgdialect_reset')).toBe(0)
      // outside a transaction the stream leaves none behind
      await old.reset(client, { full: false })
      const rows = await collect(old.stream(client, 'SELECT n FROM generate_series(1, 25) n', undefined, { chunkSize: 10 }))
      expect(rows.length).toBe(25)
      expect(await scalar(client, 'SELECT count(*)::int FROM pg_cursors')).toBe(0)
      expect(await scalar(client, "SELECT now() = statement_timestamp()")).toBe(true)
    }, old)
  })
})

describe('pg dialect: connect failures', () => {
  it('rejects a closed port with a fatal error and leaks nothing', async () => {
    await expectNothingUnhandled(async () => {
      const closedPort = new PgDialect({ host: '127.0.0.1', port: 1, user: 'sluice', password: TEST_PASSWORD, database: 'sluice' })
      const error = await rejection(closedPort.connect())
      expect((error as { code?: string }).code).toBe('ECONNREFUSED')
      expect(closedPort.isFatal(error)).toBe(true)
      expect(String(error)).not.toContain(TEST_PASSWORD)
    })
  })

  it('gives up after connectTimeoutMillis on a server that never answers', async () => {
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => {
      sockets.add(socket)
      // read (and drop) the startup message, or the socket never sees the client hang up
      socket.resume()
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as { port: number }).port
    try {
      await expectNothingUnhandled(async () => {
        const slow = new PgDialect({ host: '127.0.0.1', port, user: 'sluice', connectTimeoutMillis: 200 })
        const started = Date.now()
        const error = await rejection(slow.connect())
        const waited = Date.now() - started
        expect(waited).toBeGreaterThanOrEqual(150)
        expect(waited).toBeLessThan(2_000)
        expect(slow.isFatal(error)).toBe(true)
        await until(() => sockets.size === 0, 'the socket to close')
      })
    } finally {
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('rejects a missing database with a fatal server error', async () => {
    const missing = new PgDialect({ connectionString: 'postgres://sluice@127.0.0.1:5432/pgdialect_missing' })
    const error = await rejection(missing.connect())
    expect((error as { code?: string }).code).toBe('3D000')
    expect(missing.isFatal(error)).toBe(true)
  })
})

function withoutPassword(url: string): string {
  const parsed = new URL(url)
  parsed.password = ''
  return parsed.toString()
}
