import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sqlite, type SqliteDialectConfig } from '../../../src/dialects/better-sqlite3/index.js'
import { createPool, type Pool } from '../../../src/pool.js'
import { track } from '../../support/promises.js'

/**
 * The synchronous way (`Dialect.runNow`): a statement with nothing to wait
 * for runs in the same step as the pool's lend and take-back. These tests
 * hold it to what the waiting way does, against a real file and `:memory:`.
 */
let dir: string
let pools: Pool[]
let handles: Database.Database[]

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-sqlite-now-'))
  pools = []
  handles = []
})

afterEach(async () => {
  for (const pool of pools) await pool.close()
  for (const db of handles) db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function file(): string {
  return path.join(dir, 'test.db')
}

function makePool(config: Partial<SqliteDialectConfig> = {}, max = 4): Pool {
  const pool = createPool({ dialect: sqlite({ filename: file(), busyTimeoutMillis: 3000, ...config }), max, log: false })
  pools.push(pool)
  return pool
}

/** The stock driver on the same file: what SQLite itself answers, and a writer the pool cannot see. */
function stock(): Database.Database {
  const db = new Database(file())
  handles.push(db)
  return db
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SQLite synchronous statements: results', () => {
  it('a cached SELECT * after ALTER TABLE, RENAME COLUMN and DROP + CREATE gives the new fields and rows, as the stock driver does', async () => {
    const pool = makePool()
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)')
    await pool.query("INSERT INTO t VALUES (1, 'x')")
    const select = 'SELECT * FROM t WHERE id = ?'
    const expectSame = async (): Promise<void> => {
      const result = await pool.execute(select, [1])
      const direct = stock().prepare(select)
      expect(result.rows).toEqual(direct.all(1))
      expect(result.fields).toEqual(direct.columns().map(({ name }) => ({ name })))
      // the query() way, which leaves fields out, gives the same rows
      expect(await pool.query(select, [1])).toEqual(direct.all(1))
    }
    await expectSame()
    expect((await pool.execute(select, [1])).fields).toEqual([{ name: 'id' }, { name: 'a' }])

    // through the pool
    await pool.query("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'y'")
    await expectSame()
    expect((await pool.execute(select, [1])).fields).toEqual([{ name: 'id' }, { name: 'a' }, { name: 'b' }])

    // behind the pool's back: another handle, as another process would
    stock().exec('ALTER TABLE t RENAME COLUMN a TO renamed')
    await expectSame()
    expect((await pool.execute(select, [1])).fields).toEqual([{ name: 'id' }, { name: 'renamed' }, { name: 'b' }])

    stock().exec("DROP TABLE t; CREATE TABLE t (id INTEGER PRIMARY KEY, only_this INTEGER); INSERT INTO t VALUES (1, 42)")
    await expectSame()
    expect(await pool.execute(select, [1])).toMatchObject({ rows: [{ id: 1, only_this: 42 }], fields: [{ name: 'id' }, { name: 'only_this' }] })

    // the cached statement over a dropped table fails as a fresh compile would
    stock().exec('DROP TABLE t')
    await expect(pool.query(select, [1])).rejects.toThrow(/no such table/)
    expect(pool.stats().statements.hits).toBeGreaterThan(0)
  })

  it('array rows and object rows alternate on one cached statement', async () => {
    const pool = makePool({}, 1)
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)')
    await pool.query("INSERT INTO t VALUES (1, 'x')")
    const select = 'SELECT id, a FROM t'
    expect((await pool.execute(select, [], { rowMode: 'array' })).rows).toEqual([[1, 'x']])
    expect(await pool.query(select)).toEqual([{ id: 1, a: 'x' }])
    expect((await pool.execute(select, [], { rowMode: 'array' })).rows).toEqual([[1, 'x']])
    expect(pool.stats().statements).toMatchObject({ size: 3, misses: 3 })
  })

  it("takes a statement's own safeIntegers without changing the cached statement", async () => {
    const pool = makePool({}, 1)
    const big = 2n ** 60n + 1n
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)')
    await pool.query('INSERT INTO t VALUES (1, ?)', [big])
    const select = 'SELECT n FROM t WHERE id = ?'
    expect(typeof (await pool.query<{ n: unknown }>(select, [1]))[0]!.n).toBe('number')
    expect(await pool.query(select, [1], { safeIntegers: true })).toEqual([{ n: big }])
    expect(typeof (await pool.query<{ n: unknown }>(select, [1]))[0]!.n).toBe('number')
    const lease = await pool.acquire()
    try {
      expect(await lease.query(select, [1], { safeIntegers: true })).toEqual([{ n: big }])
      expect(typeof (await lease.query<{ n: unknown }>(select, [1]))[0]!.n).toBe('number')
    } finally {
      lease.release()
    }
  })

  it('an error of the statement rejects, counts, and leaves the connection usable', async () => {
    const pool = makePool({}, 1)
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    await pool.query('INSERT INTO t VALUES (1)')
    await expect(pool.query('INSERT INTO t VALUES (1)')).rejects.toThrow(/UNIQUE/)
    await expect(pool.query('SELECT nope FROM t')).rejects.toThrow(/no such column/)
    expect(await pool.query('SELECT id FROM t')).toEqual([{ id: 1 }])
    expect(pool.stats()).toMatchObject({ queries: { executed: 5, errors: 2 }, connections: { created: 1, recycled: 0 } })
    // the lock was given back after the failed write: another handle of the pool can write
    await pool.query('INSERT INTO t VALUES (2)')
  })
})

describe('SQLite synchronous statements: the pool', () => {
  it('lends, runs and takes back in one step: 16 concurrent callers, every count kept', async () => {
    const pool = makePool({}, 10)
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)')
    await pool.query('INSERT INTO t SELECT value, value * 2 FROM generate_series(1, 100)').catch(async () => {
      for (let id = 1; id <= 100; id++) await pool.query('INSERT INTO t VALUES (?, ?)', [id, id * 2])
    })
    const before = pool.stats().queries.executed
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => pool.query<{ v: number }>('SELECT v FROM t WHERE id = ?', [i + 1])))
    expect(answers.map((rows) => rows[0]!.v)).toEqual(Array.from({ length: 16 }, (_, i) => (i + 1) * 2))
    const stats = pool.stats()
    expect(stats.queries.executed - before).toBe(16)
    expect(stats.currentState).toMatchObject({ activeConnections: 0, pendingAcquires: 0 })
  })

  it('readers run beside a write transaction (WAL) and see only committed rows; a writer waits for the commit', async () => {
    const pool = makePool()
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    await pool.query('INSERT INTO t VALUES (1)')
    const tx = await pool.acquire()
    await tx.query('BEGIN IMMEDIATE')
    await tx.query('INSERT INTO t VALUES (2)')
    // inside the transaction: its own rows
    expect(await tx.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }])
    // outside: a reader does not wait for the commit, and sees the committed state
    // (twice: compiled on the waiting way, then from the cache on the synchronous one)
    for (let i = 0; i < 2; i++) {
      const read = track(pool.query('SELECT id FROM t ORDER BY id'))
      for (let j = 0; j < 5 && !read.settled; j++) await turn()
      expect(read.settled).toBe(true)
      expect(await read.promise).toEqual([{ id: 1 }])
    }
    // a writer waits for the transaction
    const write = track(pool.query('INSERT INTO t VALUES (3)'))
    for (let i = 0; i < 5; i++) await turn()
    expect(write.settled).toBe(false)
    await tx.query('COMMIT')
    tx.release()
    await write.promise
    expect(await pool.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
  })

  it('outside WAL a reader waits for the write transaction too, and then runs', async () => {
    const pool = makePool({ journalMode: 'DELETE' })
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    await pool.query('INSERT INTO t VALUES (1)')
    // a reader compiled once, so that only the lock can hold it back
    expect(await pool.query('SELECT id FROM t')).toEqual([{ id: 1 }])
    const tx = await pool.acquire()
    await tx.query('BEGIN IMMEDIATE')
    await tx.query('INSERT INTO t VALUES (2)')
    const read = track(pool.query('SELECT id FROM t ORDER BY id'))
    for (let i = 0; i < 5; i++) await turn()
    expect(read.settled).toBe(false)
    await tx.query('COMMIT')
    tx.release()
    expect(await read.promise).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('pool.transaction runs its statements on its own connection, committed or rolled back', async () => {
    const pool = makePool()
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    await pool.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)')
      expect(tx.inTransaction()).toBe(true)
      expect(await tx.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }])
      expect(await pool.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }])
    })
    await expect(
      pool.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)')
        throw new Error('undo')
      }),
    ).rejects.toThrow('undo')
    expect(await pool.query('SELECT id FROM t')).toEqual([{ id: 1 }])
  })

  it('a write waiting longer than busyTimeoutMillis for a sibling transaction still fails with SQLITE_BUSY', async () => {
    const pool = makePool({ busyTimeoutMillis: 30 })
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const tx = await pool.acquire()
    await tx.query('BEGIN IMMEDIATE')
    await expect(pool.query('INSERT INTO t VALUES (1)')).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    // a read is not held up
    expect(await pool.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }])
    await tx.query('ROLLBACK')
    tx.release()
    await pool.query('INSERT INTO t VALUES (1)')
  })

  it("':memory:': one connection; a statement waits while a borrower holds it, and sees its committed data", async () => {
    const pool = createPool({ dialect: sqlite({ filename: ':memory:' }), log: false })
    pools.push(pool)
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const tx = await pool.acquire()
    await tx.query('BEGIN')
    await tx.query('INSERT INTO t VALUES (1)')
    const read = track(pool.query('SELECT id FROM t'))
    for (let i = 0; i < 5; i++) await turn()
    expect(read.settled).toBe(false)
    await tx.query('COMMIT')
    tx.release()
    expect(await read.promise).toEqual([{ id: 1 }])
    expect(await pool.execute('SELECT id FROM t')).toMatchObject({ rows: [{ id: 1 }], fields: [{ name: 'id' }] })
  })

  it('a burst of statements still gives the event loop a turn (the 4 ms yield)', async () => {
    const pool = makePool({}, 1)
    let fired = false
    setTimeout(() => (fired = true), 0)
    let statements = 0
    // without the yield the loop never turns while statements keep coming, and the timer never fires
    while (!fired && statements < 200_000) {
      await pool.query('SELECT 1 AS one')
      statements++
    }
    expect(fired).toBe(true)
  })
})
