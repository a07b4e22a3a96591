/**
 * The Sluice pool behind a Kysely instance: reachable with `sluiceOf()`,
 * configured through Kysely-shaped options, and closed by `db.destroy()`
 * only when the dialect created it.
 */
import Database from 'better-sqlite3'
import { ConfigError, createPool, postgres, sqlite } from '@sluice/core'
import { Kysely, sql } from 'kysely'
import type { DatabaseConnection } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { PG_URL } from '../../../../packages/core/test/support/databases.js'
import { SluiceMysqlDialect, SluicePostgresDialect, SluiceSqliteDialect, sluiceOf } from '../../src/index.js'
import { allTargets, postgresTarget, type TestDB } from '../support/targets.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-kysely-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

for (const target of allTargets()) {
  describe(`${target.database}: sluiceOf()`, () => {
    it('takes max: 1 alone (the default min follows it)', async () => {
      const db = new Kysely<TestDB>({ dialect: target.sluice({ max: 1 }) })
      try {
        expect(sluiceOf(db).config).toMatchObject({ min: 1, max: 1 })
        expect(Number((await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]?.n)).toBe(1)
      } finally {
        await db.destroy()
      }
    })

    it('reaches the pool from the Kysely instance, its transactions and derived instances, and its stats move', async () => {
      const db = new Kysely<TestDB>({ dialect: target.sluice({ name: `kysely-${target.database}`, min: 0, max: 3 }) })
      try {
        const pool = sluiceOf(db)
        expect(pool.config).toMatchObject({ name: `kysely-${target.database}`, min: 0, max: 3 })
        const before = pool.stats()
        await sql`select 1`.execute(db)
        await db.transaction().execute(async (trx) => {
          expect(sluiceOf(trx)).toBe(pool)
          expect(sluiceOf(trx).stats().currentState.activeConnections).toBe(1)
          await sql`select 2`.execute(trx)
        })
        expect(sluiceOf(db.withPlugin({ transformQuery: (args) => args.node, transformResult: async (args) => args.result }))).toBe(pool)
        const after = pool.stats()
        // select 1; begin, select 2, commit
        expect(after.queries.executed - before.queries.executed).toBe(4)
        expect(after.connections.created).toBeGreaterThanOrEqual(1)
        expect(after.currentState.activeConnections).toBe(0)
        expect(after.pool.database).not.toContain('sluice-secret')
      } finally {
        await db.destroy()
      }
    })
  })
}

for (const target of allTargets()) {
  describe(`${target.database}: one dialect object, many Kysely instances`, () => {
    it('serves a new Kysely after db.destroy(), and two at once, each on a pool of its own that its destroy() closes', async () => {
      const dialect = target.sluice({ min: 0, max: 2 })
      const first = new Kysely<TestDB>({ dialect })
      await sql`select 1`.execute(first)
      const firstPool = sluiceOf(first)
      await first.destroy()
      expect(firstPool.closed).toBe(true)
      const second = new Kysely<TestDB>({ dialect })
      const third = new Kysely<TestDB>({ dialect })
      try {
        expect(sluiceOf(second)).not.toBe(sluiceOf(third))
        expect(dialect.pool).toBe(sluiceOf(third))
        await third.destroy()
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(second)
        expect(Number(rows[0]?.one)).toBe(1)
        expect(sluiceOf(second).closed).toBe(false)
      } finally {
        await Promise.all([second.destroy(), third.destroy()])
      }
    })
  })
}

describe('pool ownership', () => {
  it("closes the pool it created on db.destroy(), but not a pool the application passed in", async () => {
    const shared = createPool({ dialect: postgres({ connectionString: PG_URL, driver: pg }), min: 0, max: 2, log: false })
    const first = new Kysely<TestDB>({ dialect: new SluicePostgresDialect({ pool: shared }) })
    const second = new Kysely<TestDB>({ dialect: new SluicePostgresDialect({ pool: shared }) })
    const owned = new Kysely<TestDB>({ dialect: new SluicePostgresDialect({ pool: { connectionString: PG_URL, min: 0, log: false }, driver: pg }) })
    try {
      expect(sluiceOf(first)).toBe(shared)
      await sql`select 1`.execute(first)
      await sql`select 1`.execute(owned)
      await first.destroy()
      await owned.destroy()
      expect(shared.closed).toBe(false)
      expect(sluiceOf(owned).closed).toBe(true)
      // the other Kysely instance on the shared pool goes on working; the destroyed one refuses
      expect((await sql<{ n: number }>`select 2 as n`.execute(second)).rows).toEqual([{ n: 2 }])
      await expect(sql`select 1`.execute(first)).rejects.toThrow('driver has already been destroyed')
    } finally {
      await second.destroy()
      await shared.close()
    }
  })

  it('calls onReserveConnection for every connection Kysely borrows', async () => {
    const reserved: DatabaseConnection[] = []
    const db = new Kysely<TestDB>({
      dialect: new SluiceSqliteDialect({
        pool: { filename: join(dir, 'reserve.db'), log: false },
        driver: Database,
        onReserveConnection: async (connection) => {
          reserved.push(connection)
        },
      }),
    })
    try {
      await sql`select 1`.execute(db)
      await db.transaction().execute((trx) => sql`select 1`.execute(trx))
      expect(reserved).toHaveLength(2)
    } finally {
      await db.destroy()
    }
  })
})

describe('configuration', () => {
  it('rejects a pool on another database', () => {
    const pool = createPool({ dialect: sqlite({ filename: join(dir, 'other.db') }), log: false })
    expect(() => new SluicePostgresDialect({ pool })).toThrow(ConfigError)
    expect(() => new SluiceMysqlDialect({ pool })).toThrow(/is a sqlite pool; this Kysely dialect needs a mysql one/)
  })

  it('validates the options where the dialect is created, naming the option at fault', () => {
    const misspelt = { pool: { conectionString: PG_URL } } as unknown as ConstructorParameters<typeof SluicePostgresDialect>[0]
    expect(() => new SluicePostgresDialect(misspelt)).toThrow(/dialect\.conectionString/)
    expect(() => new SluicePostgresDialect({ pool: { connectionString: PG_URL, max: 0 } })).toThrow(/invalid option max = 0/)
    expect(() => new SluiceSqliteDialect({ pool: undefined as never })).toThrow(/must be a Sluice Pool or an object/)
  })

  it('throws a clear error for a Kysely instance that is not on Sluice', () => {
    const stock = new Kysely<TestDB>({ dialect: postgresTarget.stock() })
    expect(() => sluiceOf(stock)).toThrow(TypeError)
    return stock.destroy()
  })
})
