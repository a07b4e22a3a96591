import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/config-error.js'
import { BetterSqlite3Dialect, type SqliteDialectConfig, sqlite } from '../../../src/dialects/better-sqlite3/index.js'
import { writeLockCount } from '../../../src/dialects/better-sqlite3/better-sqlite3-write-lock.js'
import { track } from '../../support/promises.js'

type Handle = Awaited<ReturnType<BetterSqlite3Dialect['connect']>>

let dir: string
let dialects: BetterSqlite3Dialect[]
let handles: Array<{ dialect: BetterSqlite3Dialect; db: Handle }>

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-sqlite-'))
  dialects = []
  handles = []
})

afterEach(async () => {
  for (const { dialect, db } of handles) await dialect.close(db)
  for (const dialect of dialects) await dialect.end()
  fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A dialect on a fresh file. The lock waits below last tens of milliseconds; 3 s of
 * busyTimeoutMillis bounds them well above that, and a handle that met a sibling's lock
 * in SQLite itself (no in-process lock) would fail with SQLITE_BUSY within it.
 */
function makeDialect(config: Partial<SqliteDialectConfig> = {}): BetterSqlite3Dialect {
  const dialect = new BetterSqlite3Dialect({ filename: path.join(dir, 'test.db'), busyTimeoutMillis: 3000, ...config })
  dialects.push(dialect)
  return dialect
}

async function open(dialect: BetterSqlite3Dialect): Promise<Handle> {
  const db = await dialect.connect()
  handles.push({ dialect, db })
  return db
}

async function openMany(dialect: BetterSqlite3Dialect, count: number): Promise<Handle[]> {
  const result: Handle[] = []
  for (let i = 0; i < count; i++) result.push(await open(dialect))
  return result
}

/** Fails instead of hanging when `promise` waits (for the lock) longer than `ms`. */
function within<T>(promise: Promise<T>, ms = 1000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms}ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function count(dialect: BetterSqlite3Dialect, db: Handle, table = 't'): Promise<number> {
  const { rows } = await dialect.run(db, `SELECT count(*) AS n FROM ${table}`, undefined, {})
  return Number(rows[0]?.n)
}

async function createTable(dialect: BetterSqlite3Dialect, db: Handle): Promise<void> {
  await dialect.run(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)', undefined, {})
}

describe('better-sqlite3 dialect: statements', () => {
  it("takes a statement's own safeIntegers, leaving the connection's default and the cached statement alone", async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    const sql = 'SELECT 41 + 1 AS n WHERE ? = 1'
    expect((await dialect.run(db, sql, [1], {})).rows).toEqual([{ n: 42 }])
    expect((await dialect.run(db, sql, [1], { safeIntegers: true })).rows).toEqual([{ n: 42n }])
    expect((await dialect.run(db, sql, [1], {})).rows).toEqual([{ n: 42 }])
    ;(db as unknown as { defaultSafeIntegers(on: boolean): unknown }).defaultSafeIntegers(true)
    expect((await dialect.run(db, 'SELECT 2 AS n', undefined, { safeIntegers: false })).rows).toEqual([{ n: 2 }])
    expect((await dialect.run(db, 'SELECT 2 AS n', undefined, {})).rows).toEqual([{ n: 2n }])
    const info = await dialect.run(db, 'CREATE TABLE big (x INTEGER)', undefined, { safeIntegers: true })
    expect(info.affectedRows).toBe(0)
  })

  it('binds positional parameters and reports fields, affectedRows and insertId', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    await createTable(dialect, db)

    const first = await dialect.run(db, 'INSERT INTO t (name) VALUES (?)', ['ada'], {})
    const second = await dialect.run(db, 'INSERT INTO t (name) VALUES (?), (?)', ['bob', 'cy'], {})
    expect(first).toMatchObject({ rows: [], affectedRows: 1, insertId: 1 })
    expect(second).toMatchObject({ rows: [], affectedRows: 2, insertId: 3 })

    const select = await dialect.run(db, 'SELECT id, name AS who FROM t WHERE id >= ? ORDER BY id', [2], {})
    expect(select.rows).toEqual([
      { id: 2, who: 'bob' },
      { id: 3, who: 'cy' },
    ])
    expect(select.fields).toEqual([{ name: 'id' }, { name: 'who' }])
    expect(select.affectedRows).toBeUndefined()
    expect(select.insertId).toBeUndefined()

    const update = await dialect.run(db, 'UPDATE t SET name = upper(name) WHERE id <= ?', [2], {})
    expect(update).toMatchObject({ affectedRows: 2, insertId: undefined })

    const ignored = await dialect.run(db, 'INSERT OR IGNORE INTO t (name) VALUES (?)', ['cy'], {})
    expect(ignored).toMatchObject({ affectedRows: 0, insertId: undefined })

    const returning = await dialect.run(db, 'DELETE FROM t WHERE id > ? RETURNING name', [1], {})
    expect(returning).toMatchObject({ rows: [{ name: 'BOB' }, { name: 'cy' }], affectedRows: 2, fields: [{ name: 'name' }] })
  })

  it('never throws synchronously: a bad statement rejects', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    let promise: Promise<unknown> | undefined
    expect(() => {
      promise = dialect.run(db, 'SELEC 1', undefined, {})
    }).not.toThrow()
    await expect(promise).rejects.toMatchObject({ code: 'SQLITE_ERROR' })
  })

  it('opens a file in WAL mode with the configured pragmas', async () => {
    const dialect = makeDialect({ busyTimeoutMillis: undefined, pragmas: { cache_size: -4000, temp_store: 'memory' } })
    const db = await open(dialect)
    const pragma = async (name: string) => Object.values((await dialect.run(db, `PRAGMA ${name}`, undefined, {})).rows[0] ?? {})[0]
    expect(await pragma('journal_mode')).toBe('wal')
    expect(await pragma('synchronous')).toBe(1) // NORMAL
    expect(await pragma('foreign_keys')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(5000)
    expect(await pragma('cache_size')).toBe(-4000)
    expect(await pragma('temp_store')).toBe(2) // MEMORY
    expect(dialect).toMatchObject({ kind: 'sqlite', defaultHealthCheckQuery: 'SELECT 1', beginStatement: 'BEGIN IMMEDIATE', maxConnections: undefined })
    expect(dialect.description).toBe(`sqlite:${path.join(dir, 'test.db')}`)
    await dialect.ping(db, dialect.defaultHealthCheckQuery)
  })

  it('accepts an already-imported driver', async () => {
    const dialect = makeDialect({ driver: Database })
    const db = await open(dialect)
    expect(db).toBeInstanceOf(Database)
  })

  it("keeps one connection for ':memory:'", async () => {
    const dialect = makeDialect({ filename: ':memory:' })
    expect(dialect.maxConnections).toBe(1)
    const db = await open(dialect)
    expect((await dialect.run(db, 'PRAGMA journal_mode', undefined, {})).rows).toEqual([{ journal_mode: 'memory' }])
    await createTable(dialect, db)
    await dialect.run(db, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(db, "INSERT INTO t (name) VALUES ('x')", undefined, {})
    await dialect.run(db, 'COMMIT', undefined, {})
    expect(await count(dialect, db)).toBe(1)
  })

  it('rejects a connect that cannot open the file', async () => {
    const dialect = makeDialect({ filename: path.join(dir, 'missing', 'x.db') })
    let promise: Promise<unknown> | undefined
    expect(() => {
      promise = dialect.connect()
    }).not.toThrow()
    await expect(promise).rejects.toThrow()
  })

  it('tells fatal errors: a closed handle, corruption, I/O errors (statement errors: see the contract test)', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    await dialect.close(db)
    const closed = await dialect.run(db, 'SELECT 1', undefined, {}).catch((error: unknown) => error)
    expect(dialect.isFatal(closed)).toBe(true)
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' })
    const ioerr = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHORT_READ' })
    expect(dialect.isFatal(corrupt)).toBe(true)
    expect(dialect.isFatal(ioerr)).toBe(true)
  })

  it('closes safely twice and reports inTransaction from the driver', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    expect(dialect.inTransaction(db)).toBe(false)
    await dialect.run(db, 'BEGIN', undefined, {})
    expect(dialect.inTransaction(db)).toBe(true)
    await dialect.close(db)
    await dialect.close(db)
    expect(dialect.inTransaction(db)).toBe(false)
    expect(() => dialect.watch(db, () => {})).not.toThrow()
  })
})

describe('better-sqlite3 dialect: config', () => {
  const configError = (config: unknown): ConfigError => {
    try {
      sqlite(config as SqliteDialectConfig)
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return error as ConfigError
    }
    throw new Error('expected a ConfigError')
  }

  it('names the field at fault', () => {
    expect(configError({}).field).toBe('dialect.filename')
    expect(configError({ filename: '' }).field).toBe('dialect.filename')
    expect(configError({ filename: 42 }).message).toBe(`Sluice: invalid option dialect.filename = 42: must be a non-empty file path or ':memory:'`)
    expect(configError({ filename: 'a.db', readonly: 'yes' }).field).toBe('dialect.readonly')
    expect(configError({ filename: 'a.db', busyTimeoutMillis: -1 }).field).toBe('dialect.busyTimeoutMillis')
    expect(configError({ filename: 'a.db', busyTimeoutMillis: 1.5 }).field).toBe('dialect.busyTimeoutMillis')
    expect(configError({ filename: 'a.db', journalMode: 'FAST' }).field).toBe('dialect.journalMode')
    expect(configError({ filename: 'a.db', synchronous: 2 }).field).toBe('dialect.synchronous')
    expect(configError({ filename: 'a.db', foreignKeys: 1 }).field).toBe('dialect.foreignKeys')
    expect(configError({ filename: 'a.db', driver: {} }).field).toBe('dialect.driver')
    expect(configError({ filename: 'a.db', pragmas: [] }).field).toBe('dialect.pragmas')
    expect(configError(null).field).toBe('dialect')
  })

  it('rejects unknown keys', () => {
    const error = configError({ filename: 'a.db', busyTimeout: 100 })
    expect(error.field).toBe('dialect.busyTimeout')
    expect(error.message).toBe('Sluice: invalid option dialect.busyTimeout = 100: is not an option of the sqlite dialect')
  })

  it('validates pragmas', () => {
    expect(configError({ filename: 'a.db', pragmas: { 'cache_size = 1; DROP TABLE t; --': 1 } }).field).toBe('dialect.pragmas.cache_size = 1; DROP TABLE t; --')
    expect(configError({ filename: 'a.db', pragmas: { cache_size: true } }).field).toBe('dialect.pragmas.cache_size')
    expect(configError({ filename: 'a.db', pragmas: { cache_size: Number.NaN } }).field).toBe('dialect.pragmas.cache_size')
    expect(configError({ filename: 'a.db', pragmas: { journal_mode: 'DELETE' } }).message).toContain('use the option dialect.journalMode instead')
    expect(configError({ filename: 'a.db', pragmas: { 'main.foreign_keys': 0 } }).field).toBe('dialect.pragmas.main.foreign_keys')
    expect(() => sqlite({ filename: 'a.db', pragmas: { 'main.cache_size': 10, temp_store: "it's" } })).not.toThrow()
  })

  it('rejects combinations SQLite cannot honour', () => {
    expect(configError({ filename: ':memory:', readonly: true }).field).toBe('dialect.readonly')
    expect(configError({ filename: ':memory:', journalMode: 'WAL' }).field).toBe('dialect.journalMode')
    expect(configError({ filename: 'a.db', readonly: true, journalMode: 'WAL' }).field).toBe('dialect.journalMode')
    expect(() => sqlite({ filename: 'a.db', journalMode: 'wal' as 'WAL', synchronous: 'full' as 'FULL' })).not.toThrow()
  })
})

describe('better-sqlite3 dialect: the write lock', () => {
  async function setup(handleCount = 2) {
    const dialect = makeDialect()
    const dbs = await openMany(dialect, handleCount)
    await createTable(dialect, dbs[0]!)
    return { dialect, dbs }
  }

  it('the scenario is real: without the lock a second writer gets SQLITE_BUSY', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    b.pragma('busy_timeout = 0')
    expect(() => b.prepare("INSERT INTO t (name) VALUES ('b')").run()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }) as Error)
    await dialect.run(a, 'ROLLBACK', undefined, {})
  })

  it("makes an autocommit write wait for another handle's transaction, without blocking the event loop", async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})

    const write = track(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    await sleep(30)
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(0)
    expect(write.settled).toBe(false)

    await dialect.run(a, 'COMMIT', undefined, {})
    await expect(within(write.promise)).resolves.toMatchObject({ affectedRows: 1 })
    expect((await dialect.run(a, 'SELECT name FROM t ORDER BY id', undefined, {})).rows).toEqual([{ name: 'a' }, { name: 'b' }])
  })

  it("lets a reader run during another handle's transaction, seeing only committed rows", async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(b, "INSERT INTO t (name) VALUES ('old')", undefined, {})
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('new')", undefined, {})

    const read = await within(dialect.run(b, 'SELECT name FROM t', undefined, {}), 200)
    expect(read.rows).toEqual([{ name: 'old' }])
    expect(await within(count(dialect, a), 200)).toBe(2)
    // a new connection does not wait for the writer either
    const c = await within(open(dialect), 200)
    expect(await within(count(dialect, c), 200)).toBe(1)
    await dialect.run(a, 'COMMIT', undefined, {})
    expect(await count(dialect, b)).toBe(2)
  })

  it('serializes two transactions: the second BEGIN waits for the first COMMIT', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    const begin = track(dialect.run(b, 'BEGIN IMMEDIATE', undefined, {}))
    await sleep(20)
    expect(begin.settled).toBe(false)
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})
    await dialect.run(a, 'COMMIT', undefined, {})
    await within(begin.promise)
    await dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {})
    await dialect.run(b, 'COMMIT', undefined, {})
    expect(await count(dialect, a)).toBe(2)
  })

  it('a wait longer than busyTimeoutMillis fails with SQLITE_BUSY, and the lock stays usable', async () => {
    const dialect = makeDialect({ busyTimeoutMillis: 150 })
    const [a, b, c] = (await openMany(dialect, 3)) as [Handle, Handle, Handle]
    await createTable(dialect, a)
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})

    const started = performance.now()
    const error = await within(dialect.run(b, 'BEGIN IMMEDIATE', undefined, {}), 2000).catch((e: unknown) => e)
    const waited = performance.now() - started
    expect(error).toBeInstanceOf(Database.SqliteError)
    expect(error).toMatchObject({ code: 'SQLITE_BUSY', message: expect.stringMatching(/^database is locked: .*150ms \(busyTimeoutMillis\)/) as string })
    expect(dialect.isFatal(error)).toBe(false)
    expect(waited).toBeGreaterThanOrEqual(140)
    expect(dialect.inTransaction(b)).toBe(false)

    // the holder goes on; once it commits the next writers proceed, the timed-out handle too
    const queued = track(dialect.run(c, "INSERT INTO t (name) VALUES ('c')", undefined, {}))
    await dialect.run(a, 'COMMIT', undefined, {})
    await within(queued.promise)
    await within(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    expect((await dialect.run(a, 'SELECT name FROM t ORDER BY id', undefined, {})).rows).toEqual([{ name: 'a' }, { name: 'c' }, { name: 'b' }])
  })

  it('busyTimeoutMillis 0 fails a contended write at once', async () => {
    const dialect = makeDialect({ busyTimeoutMillis: 0 })
    const [a, b] = (await openMany(dialect, 2)) as [Handle, Handle]
    await createTable(dialect, a)
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await expect(within(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}), 100)).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    await dialect.run(a, 'ROLLBACK', undefined, {})
    await expect(within(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}), 100)).resolves.toMatchObject({ affectedRows: 1 })
  })

  it('a plain BEGIN (reported read-only by SQLite) takes the lock too', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN', undefined, {})
    const write = track(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    await sleep(20)
    expect(write.settled).toBe(false)
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})
    await dialect.run(a, 'COMMIT', undefined, {})
    await within(write.promise)
    expect(await count(dialect, a)).toBe(2)
  })

  it('a failed statement outside a transaction never leaves the lock held', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, "INSERT INTO t (name) VALUES ('x')", undefined, {})
    await expect(dialect.run(a, "INSERT INTO t (name) VALUES ('x')", undefined, {})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' })
    await expect(dialect.run(a, 'INSERT INTO nowhere VALUES (1)', undefined, {})).rejects.toMatchObject({ code: 'SQLITE_ERROR' })
    await expect(dialect.run(a, 'INSERT INTO t (name) VALUES (?)', [{ not: 'bindable' }], {})).rejects.toThrow()
    await expect(within(dialect.run(b, "INSERT INTO t (name) VALUES ('y')", undefined, {}))).resolves.toMatchObject({ affectedRows: 1 })
  })

  it('a failed statement inside a transaction keeps the lock until the transaction ends', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('x')", undefined, {})
    await expect(dialect.run(a, "INSERT INTO t (name) VALUES ('x')", undefined, {})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' })
    expect(dialect.inTransaction(a)).toBe(true)

    const write = track(dialect.run(b, "INSERT INTO t (name) VALUES ('y')", undefined, {}))
    await sleep(20)
    expect(write.settled).toBe(false)
    await dialect.run(a, 'ROLLBACK', undefined, {})
    await within(write.promise)
    expect((await dialect.run(b, 'SELECT name FROM t', undefined, {})).rows).toEqual([{ name: 'y' }])
  })

  it('a failure that rolls the transaction back frees the lock', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, "INSERT INTO t (name) VALUES ('x')", undefined, {})
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await expect(dialect.run(a, "INSERT OR ROLLBACK INTO t (name) VALUES ('x')", undefined, {})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' })
    expect(dialect.inTransaction(a)).toBe(false)
    await expect(within(dialect.run(b, "INSERT INTO t (name) VALUES ('y')", undefined, {}))).resolves.toMatchObject({ affectedRows: 1 })
  })

  it('reset rolls back and frees the lock', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('gone')", undefined, {})
    const write = track(dialect.run(b, "INSERT INTO t (name) VALUES ('kept')", undefined, {}))
    await sleep(10)
    expect(write.settled).toBe(false)

    await dialect.reset(a, { full: false })
    expect(dialect.inTransaction(a)).toBe(false)
    await within(write.promise)
    expect((await dialect.run(a, 'SELECT name FROM t', undefined, {})).rows).toEqual([{ name: 'kept' }])
  })

  it('a full reset also drops temp tables and restores the configured pragmas', async () => {
    const { dialect, dbs } = await setup()
    const [a, b] = dbs as [Handle, Handle]
    await dialect.run(a, 'CREATE TEMP TABLE scratch (x)', undefined, {})
    await dialect.run(a, 'CREATE TEMP VIEW scratch_view AS SELECT * FROM scratch', undefined, {})
    await dialect.run(a, 'PRAGMA foreign_keys = OFF', undefined, {})
    await dialect.run(a, `ATTACH DATABASE '${path.join(dir, 'other.db').replaceAll("'", "''")}' AS other`, undefined, {})
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('gone')", undefined, {})

    await dialect.reset(a, { full: true })
    const temp = await dialect.run(a, 'SELECT name FROM temp.sqlite_master', undefined, {})
    expect(temp.rows).toEqual([])
    expect((await dialect.run(a, 'PRAGMA foreign_keys', undefined, {})).rows).toEqual([{ foreign_keys: 1 }])
    expect((await dialect.run(a, 'PRAGMA database_list', undefined, {})).rows.map((row) => row.name)).not.toContain('other')
    await expect(within(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))).resolves.toMatchObject({ affectedRows: 1 })
    expect(await count(dialect, a)).toBe(1)
  })

  it('closing the lock holder frees the lock; closing a waiter rejects its wait', async () => {
    const { dialect, dbs } = await setup(3)
    const [a, b, c] = dbs as [Handle, Handle, Handle]
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})
    const waiterOnB = track(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    const waiterOnC = track(dialect.run(c, "INSERT INTO t (name) VALUES ('c')", undefined, {}))
    await sleep(10)
    expect([waiterOnB.settled, waiterOnC.settled]).toEqual([false, false])

    await dialect.close(b)
    const error = await waiterOnB.promise.catch((e: unknown) => e)
    expect(dialect.isFatal(error)).toBe(true)
    expect(waiterOnC.settled).toBe(false)

    await dialect.close(a)
    await within(waiterOnC.promise)
    expect((await dialect.run(c, 'SELECT name FROM t', undefined, {})).rows).toEqual([{ name: 'c' }])
  })

  it('runs a 20-caller mix of transactions over 4 handles to the exact totals, with no SQLITE_BUSY', async () => {
    const dialect = makeDialect()
    const dbs = await openMany(dialect, 4)
    const setupDb = dbs[0]!
    await dialect.run(setupDb, 'CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)', undefined, {})
    await dialect.run(setupDb, 'CREATE TABLE log (id INTEGER PRIMARY KEY, caller INTEGER NOT NULL, amount INTEGER NOT NULL)', undefined, {})
    await dialect.run(setupDb, 'INSERT INTO account (id, balance) VALUES (1, 0), (2, 0)', undefined, {})

    // a tiny pool: a caller borrows a handle for its whole unit of work, as the engine would
    const idle = [...dbs]
    const waiters: Array<(db: Handle) => void> = []
    const borrow = (): Promise<Handle> => {
      const db = idle.pop()
      return db === undefined ? new Promise((resolve) => waiters.push(resolve)) : Promise.resolve(db)
    }
    const giveBack = (db: Handle) => {
      const next = waiters.shift()
      if (next) next(db)
      else idle.push(db)
    }
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pause = () => (random() < 0.5 ? new Promise<void>((resolve) => setImmediate(resolve)) : sleep(Math.floor(random() * 3)))

    let expectedTransfers = 0
    let expectedLogs = 0
    let readsSeen = 0
    const caller = async (i: number) => {
      const db = await borrow()
      try {
        const kind = i % 4
        if (kind === 0 || kind === 1) {
          // a transaction moving `amount` from account 1 to account 2, interleaved with other callers
          const amount = i + 1
          await dialect.run(db, dialect.beginStatement, undefined, {})
          await pause()
          await dialect.run(db, 'UPDATE account SET balance = balance - ? WHERE id = 1', [amount], {})
          await pause()
          await dialect.run(db, 'UPDATE account SET balance = balance + ? WHERE id = 2', [amount], {})
          await dialect.run(db, 'INSERT INTO log (caller, amount) VALUES (?, ?)', [i, amount], {})
          await pause()
          if (i % 8 === 1) {
            await dialect.run(db, 'ROLLBACK', undefined, {})
          } else {
            await dialect.run(db, 'COMMIT', undefined, {})
            expectedTransfers += amount
            expectedLogs++
          }
        } else if (kind === 2) {
          await dialect.run(db, 'INSERT INTO log (caller, amount) VALUES (?, 0)', [i], {})
          expectedLogs++
        } else {
          const { rows } = await dialect.run(db, 'SELECT sum(balance) AS total FROM account', undefined, {})
          // every committed state keeps the money constant
          expect(rows[0]?.total).toBe(0)
          readsSeen++
        }
      } finally {
        if (dialect.inTransaction(db)) await dialect.reset(db, { full: false })
        giveBack(db)
      }
    }

    const results = await within(Promise.allSettled(Array.from({ length: 20 }, (_, i) => caller(i))), 10_000)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    const balances = await dialect.run(setupDb, 'SELECT id, balance FROM account ORDER BY id', undefined, {})
    expect(balances.rows).toEqual([
      { id: 1, balance: -expectedTransfers },
      { id: 2, balance: expectedTransfers },
    ])
    expect(expectedTransfers).toBeGreaterThan(0)
    expect(await count(dialect, setupDb, 'log')).toBe(expectedLogs)
    expect(expectedLogs).toBe(12) // 7 of the 10 transactions commit, plus 5 autocommit inserts
    expect(readsSeen).toBe(5)
  })

  it('shares one lock between pools on the same file and forgets it when the last ends', async () => {
    const before = writeLockCount()
    const first = makeDialect()
    const second = makeDialect({ filename: path.join(dir, '.', 'test.db') })
    const a = await open(first)
    const b = await open(second)
    expect(writeLockCount()).toBe(before + 1)
    await createTable(first, a)
    await first.run(a, 'BEGIN IMMEDIATE', undefined, {})
    const write = track(second.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    await sleep(10)
    expect(write.settled).toBe(false)
    await first.run(a, 'COMMIT', undefined, {})
    await within(write.promise)

    await first.close(a)
    await first.end()
    await first.end() // a second end must not drop the other pool's share
    expect(writeLockCount()).toBe(before + 1)
    await second.close(b)
    await second.end()
    expect(writeLockCount()).toBe(before)
  })

  it('a read-only pool never waits for the writer, not even for BEGIN', async () => {
    const { dialect, dbs } = await setup()
    const [a] = dbs as [Handle]
    const reader = makeDialect({ readonly: true })
    const r = await open(reader)
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})
    await within(reader.run(r, 'BEGIN', undefined, {}), 200)
    expect(await within(count(reader, r), 200)).toBe(0)
    await within(reader.run(r, 'COMMIT', undefined, {}), 200)
    await expect(reader.run(r, "INSERT INTO t (name) VALUES ('r')", undefined, {})).rejects.toMatchObject({ code: 'SQLITE_READONLY' })
    await dialect.run(a, 'COMMIT', undefined, {})
    expect(await count(reader, r)).toBe(1)
  })

  it('outside WAL, readers wait for the writer too (the lock serializes everything)', async () => {
    const dialect = makeDialect({ journalMode: 'DELETE' })
    const [a, b] = (await openMany(dialect, 2)) as [Handle, Handle]
    expect((await dialect.run(a, 'PRAGMA journal_mode', undefined, {})).rows).toEqual([{ journal_mode: 'delete' }])
    await createTable(dialect, a)
    await dialect.run(a, 'BEGIN IMMEDIATE', undefined, {})
    await dialect.run(a, "INSERT INTO t (name) VALUES ('a')", undefined, {})
    const read = track(dialect.run(b, 'SELECT count(*) AS n FROM t', undefined, {}))
    await sleep(10)
    expect(read.settled).toBe(false)
    await dialect.run(a, 'COMMIT', undefined, {})
    await expect(within(read.promise)).resolves.toMatchObject({ rows: [{ n: 1 }] })
  })
})

describe('better-sqlite3 dialect: stream', () => {
  const TEN_THOUSAND = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c'

  it('yields every row and lets timers run between chunks', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    let seen = 0
    let sum = 0
    let timerFiredAt: number | undefined
    for await (const row of dialect.stream(db, TEN_THOUSAND, [10_000], { chunkSize: 100 })) {
      seen++
      sum += row.x as number
      if (seen === 1) {
        setTimeout(() => (timerFiredAt = seen), 0)
        // make sure the timer is due: it can now only wait for the stream to give the loop a turn
        const until = Date.now() + 3
        while (Date.now() < until) continue
      }
    }
    expect(seen).toBe(10_000)
    expect(sum).toBe((10_000 * 10_001) / 2)
    // the first or second chunk boundary, not the end of the stream
    expect(timerFiredAt).toBeLessThanOrEqual(200)
  })

  it('a write stream holds the lock until it ends', async () => {
    const dialect = makeDialect()
    const [a, b] = (await openMany(dialect, 2)) as [Handle, Handle]
    await createTable(dialect, a)
    const stream = dialect.stream(a, "INSERT INTO t (name) VALUES ('s1'), ('s2') RETURNING id", undefined, { chunkSize: 1 })[Symbol.asyncIterator]()
    expect((await stream.next()).value).toEqual({ id: 1 })
    const write = track(dialect.run(b, "INSERT INTO t (name) VALUES ('b')", undefined, {}))
    await sleep(10)
    expect(write.settled).toBe(false)
    expect((await stream.next()).value).toEqual({ id: 2 })
    expect((await stream.next()).done).toBe(true)
    await within(write.promise)
    expect(await count(dialect, a)).toBe(3)
  })

  it('reset ends an abandoned stream so the handle can be used again', async () => {
    const dialect = makeDialect()
    const db = await open(dialect)
    const stream = dialect.stream(db, TEN_THOUSAND, [10_000], { chunkSize: 1 })[Symbol.asyncIterator]()
    await stream.next()
    // the driver refuses writes (and ROLLBACK, and close) on a handle with an open iterator
    await expect(dialect.run(db, 'CREATE TABLE t (x)', undefined, {})).rejects.toThrow(/busy/)
    await dialect.reset(db, { full: false })
    await expect(dialect.run(db, 'CREATE TABLE t (x)', undefined, {})).resolves.toMatchObject({ rows: [] })
    await expect(stream.next()).rejects.toThrow(/reset or closed/)
  })
})
