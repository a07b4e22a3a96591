/**
 * Options stock Knex accepts, taken the same way on Sluice: what `afterCreate`
 * receives, tarn's pool options, a function as `connection` (fresh
 * credentials per new connection), and per-query driver options
 * (`.options({...})`) for `.query()` and `.stream()` alike.
 */
import knex from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
import { SluiceBetterSqlite3, SluiceMysql2, SluicePg, sluiceOf } from '@sluice/knex'
import { MYSQL_ADMIN_URL, MYSQL_URL, PG_ADMIN_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import { removeSqliteFile, SQLITE_FILE, sluiceKnex } from '../support/knex-harness.js'

afterAll(removeSqliteFile)

/** Reads a Knex stream to its end; rejects with the stream's error. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _row of stream);
}

for (const database of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`knex on Sluice, ${database}: options stock Knex accepts`, () => {
    it("hands afterCreate a connection that already carries Knex's __knexUid, with a node-style done(error, connection)", async () => {
      const uids: unknown[] = []
      const db = sluiceKnex(database, {
        min: 0,
        max: 2,
        afterCreate(connection: { __knexUid?: unknown }, done: (error: Error | null, connection: unknown) => void) {
          uids.push(connection.__knexUid)
          done(null, connection)
        },
      })
      try {
        await Promise.all([db.raw('select 1'), db.transaction((trx) => trx.raw('select 1'))])
        expect(uids.length).toBeGreaterThan(0)
        for (const uid of uids) expect(uid).toMatch(/^__knexUid\d+$/)
        expect(new Set(uids).size).toBe(uids.length)
      } finally {
        await db.destroy()
      }
    })

    it("takes tarn's destroyTimeoutMillis, propagateCreateError and maxConnectionLifetimeJitterMillis, as stock Knex does, without a word to Knex's logger", async () => {
      const logged: unknown[] = []
      const log = { debug: (message: unknown) => void logged.push(message), warn: (message: unknown) => void logged.push(message) }
      const pool = { min: 0, max: 1, destroyTimeoutMillis: 1_000, propagateCreateError: false, maxConnectionLifetimeJitterMillis: 10 }
      const db = sluiceKnex(database, pool as never, { log })
      try {
        await db.raw('select 1')
        expect(logged).toEqual([])
      } finally {
        await db.destroy()
      }
    })

    it("keeps stock Knex's client.pool: tarn's counters, destroyed, and undefined after destroy()", async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      const pool = db.client.pool as unknown as { numUsed(): number; numFree(): number; numPendingAcquires(): number; destroyed: boolean }
      const connection = await db.client.acquireConnection()
      expect([pool.numUsed(), pool.numPendingAcquires(), pool.destroyed]).toEqual([1, 0, false])
      await db.client.releaseConnection(connection)
      expect([pool.numUsed(), pool.numFree()]).toEqual([0, 1])
      const destroying = db.destroy()
      expect(pool.destroyed).toBe(true)
      await destroying
      expect(db.client.pool).toBeUndefined()
      db.initialize()
      expect((db.client.pool as unknown as { destroyed: boolean }).destroyed).toBe(false)
      await db.destroy()
    })

    it("takes tarn's validate: a connection it refuses (false or a throw) is closed and another one borrowed", async () => {
      const seen: unknown[] = []
      const warnings: unknown[] = []
      const validate = (connection: unknown) => {
        seen.push(connection)
        if (seen.length === 1) return false
        if (seen.length === 2) throw new Error('validate broke')
        return true
      }
      const db = sluiceKnex(database, { min: 0, max: 2, validate } as never, { log: { warn: (message: unknown) => void warnings.push(message) } })
      try {
        await db.raw('select 1')
        expect(seen).toHaveLength(3)
        expect(new Set(seen).size).toBe(3)
        expect(warnings).toEqual(['Pool validate threw an error: validate broke'])
        expect(sluiceOf(db).stats().currentState.totalConnections).toBe(1)
      } finally {
        await db.destroy()
      }
    })

    it('gives up with KnexTimeoutError when validate refuses every connection until the acquire timeout', async () => {
      const db = sluiceKnex(database, { min: 0, max: 1, acquireTimeoutMillis: 300, validate: () => false } as never, { log: { warn() {} } })
      try {
        await expect(db.raw('select 1')).rejects.toThrow(knex.KnexTimeoutError)
      } finally {
        await db.destroy()
      }
    })

    it('ignores per-query options the stock driver ignores, and .stream() refuses what .query() cannot honour', async () => {
      const db = sluiceKnex(database, { min: 0, max: 1 })
      try {
        // stock pg ignores mysql2's nestTables; stock better-sqlite3 and mysql2 ignore pg's rowMode
        const ignored = database === 'mysql' ? { rowMode: 'array', someFutureOption: 1 } : { nestTables: true, someFutureOption: 1 }
        expect(await db.select(db.raw('1 as one')).options(ignored)).toEqual([{ one: 1 }])
        const refused = { postgres: { types: {} }, mysql: { dateStrings: true }, sqlite: undefined }[database]
        if (refused !== undefined) {
          await expect(db.select(db.raw('1 as one')).options(refused)).rejects.toThrow(/the query option \w+ is not supported/)
          await expect(drain(db.select(db.raw('1 as one')).options(refused).stream())).rejects.toThrow(/the query option \w+ is not supported/)
        }
      } finally {
        await db.destroy()
      }
    })
  })
}

describe('knex on Sluice: per-query driver options stock Knex passes to the driver', () => {
  it("mysql2's typeCast, as stock Knex gives it, for .query() and .stream()", async () => {
    const db = sluiceKnex('mysql', { min: 0, max: 1 })
    const stock = knex({ client: 'mysql2', connection: MYSQL_URL })
    const typeCast = (field: { name: string; string(): string | null }, next: () => unknown) => (field.name === 'shout' ? String(field.string()).toUpperCase() : next())
    const query = (k: typeof db) => k.select(k.raw("'hi' as shout"), k.raw("'hi' as quiet")).options({ typeCast })
    try {
      expect(await query(db)).toEqual([{ shout: 'HI', quiet: 'hi' }])
      expect(await query(db)).toEqual(await query(stock))
      const streamed: unknown[] = []
      for await (const row of query(db).stream()) streamed.push(row)
      expect(streamed).toEqual([{ shout: 'HI', quiet: 'hi' }])
    } finally {
      await Promise.all([db.destroy(), stock.destroy()])
    }
  })

  it("better-sqlite3's safeIntegers, as stock Knex gives it, for .query() and .stream()", async () => {
    const db = sluiceKnex('sqlite', { min: 0, max: 1 })
    const stock = knex({ client: 'better-sqlite3', connection: { filename: SQLITE_FILE }, useNullAsDefault: true })
    const query = (k: typeof db, safeIntegers: boolean) => k.select(k.raw('9007199254740993 as big')).options({ safeIntegers })
    try {
      expect(await query(db, true)).toEqual([{ big: 9007199254740993n }])
      expect(await query(db, true)).toEqual(await query(stock, true))
      expect(await query(db, false)).toEqual(await query(stock, false))
      expect(await db.select(db.raw('2 as n'))).toEqual([{ n: 2 }])
      const streamed: unknown[] = []
      for await (const row of query(db, true).stream()) streamed.push(row)
      expect(streamed).toEqual([{ big: 9007199254740993n }])
    } finally {
      await Promise.all([db.destroy(), stock.destroy()])
    }
  })
})

describe('knex on Sluice, mysql: nestTables', () => {
  it('nests columns under their table, so same-named columns of two tables both survive, as mysql2 does', async () => {
    const db = sluiceKnex('mysql', { min: 0, max: 1 })
    const stock = knex({ client: 'mysql2', connection: MYSQL_URL })
    const sql = "select a1.email, a2.email from (select 'x@a' as email) as a1 join (select 'y@b' as email) as a2"
    try {
      const nested = await db.raw(sql).options({ nestTables: true })
      expect(nested[0]).toEqual([{ a1: { email: 'x@a' }, a2: { email: 'y@b' } }])
      expect(nested[0]).toEqual((await stock.raw(sql).options({ nestTables: true }))[0])
      const joined = await db.raw(sql).options({ nestTables: '_' })
      expect(joined[0]).toEqual([{ a1_email: 'x@a', a2_email: 'y@b' }])
      await expect(drain(db.raw(sql).options({ nestTables: true }).stream())).rejects.toThrow(/not supported by \.stream\(\)/)
    } finally {
      await Promise.all([db.destroy(), stock.destroy()])
    }
  })
})

describe('knex on Sluice: a function as `connection`', () => {
  const cases = [
    { database: 'postgres', client: SluicePg, urls: [PG_URL, PG_ADMIN_URL], whoAmI: 'select current_user as who' },
    { database: 'mysql', client: SluiceMysql2, urls: [MYSQL_URL, MYSQL_ADMIN_URL], whoAmI: "select substring_index(current_user(), '@', 1) as who" },
  ] as const

  for (const { database, client, urls, whoAmI } of cases) {
    it(`${database}: resolves expiring settings again for each new connection (e.g. short-lived IAM tokens)`, async () => {
      let calls = 0
      // a different user per call; the checker says each result expires at once
      const connection = async () => {
        const url = new URL(urls[calls++ % 2]!)
        const settings = { host: url.hostname, port: Number(url.port), user: url.username, database: url.pathname.slice(1), expirationChecker: () => true }
        // hidden, as Knex hides passwords in the settings it hands around
        return Object.defineProperty(settings, 'password', { value: decodeURIComponent(url.password), enumerable: false })
      }
      const db = knex({ client, connection, pool: { min: 0, max: 2 } })
      try {
        const users = await db.transaction(async (outer) => {
          const first = await outer.raw(whoAmI)
          const second = await db.transaction((inner) => inner.raw(whoAmI))
          return [first, second].map((result) => (database === 'postgres' ? result.rows[0].who : result[0][0].who))
        })
        expect(calls).toBe(2)
        expect(users).toEqual(urls.map((url) => decodeURIComponent(new URL(url).username)))
        expect(sluiceOf(db).stats().connections.created).toBe(2)
      } finally {
        await db.destroy()
      }
    })
  }

  it('sqlite: calls a sync function once and reuses its settings when they carry no expirationChecker, as stock Knex', async () => {
    let calls = 0
    const db = knex({ client: SluiceBetterSqlite3, connection: () => (calls++, { filename: SQLITE_FILE }), useNullAsDefault: true, pool: { min: 0, max: 2 } })
    try {
      await db.transaction(async (outer) => {
        await outer.raw('select 1')
        await Promise.all([db.raw('select 1'), db.raw('select 2')])
      })
      expect(calls).toBe(1)
      expect(db.client.connectionSettings).toEqual({ filename: SQLITE_FILE })
    } finally {
      await db.destroy()
    }
  })
})
