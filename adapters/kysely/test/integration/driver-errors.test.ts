/**
 * Errors reach the application as its driver raised them: same class, same
 * code, with the application's own frames in the stack.
 */
import Database from 'better-sqlite3'
import { SluiceError } from '@sluice/core'
import { Kysely } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allTargets, type KyselyTarget, type TestDB } from '../support/targets.js'

const table = 'kysely_driver_errors'

/** What identifies each driver's unique-violation error. */
const EXPECTED: Record<KyselyTarget['database'], (error: unknown) => void> = {
  postgres: (error) => {
    expect(error).toBeInstanceOf(pg.DatabaseError)
    expect(error).toMatchObject({ code: '23505', constraint: `${table}_pkey` })
  },
  mysql: (error) => {
    expect(error).toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062 })
  },
  sqlite: (error) => {
    expect(error).toBeInstanceOf(Database.SqliteError)
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
  },
}

for (const target of allTargets()) {
  describe(`${target.database}: driver errors`, () => {
    let db: Kysely<TestDB>
    beforeAll(async () => {
      db = new Kysely<TestDB>({ dialect: target.sluice({ max: 2 }) })
      await db.schema.dropTable(table).ifExists().execute()
      await db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(100)').addColumn('qty', 'integer').execute()
      await db.insertInto(table).values({ id: 1, name: 'first', qty: 1 }).execute()
    })
    afterAll(async () => {
      await db?.schema.dropTable(table).ifExists().execute()
      await db?.destroy()
    })

    it("raises the driver's own error, unwrapped, with the caller in its stack", async () => {
      const error = await db.insertInto(table).values({ id: 1, name: 'again', qty: 1 }).execute().catch((e: unknown) => e)
      EXPECTED[target.database](error)
      expect(error).not.toBeInstanceOf(SluiceError)
      expect((error as Error).stack).toContain('driver-errors.test.ts')
    })

    it('raises it unwrapped from inside a transaction too, and rolls back', async () => {
      const error = await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto(table).values({ id: 2, name: 'second', qty: 2 }).execute()
          await trx.insertInto(table).values({ id: 1, name: 'again', qty: 1 }).execute()
        })
        .catch((e: unknown) => e)
      EXPECTED[target.database](error)
      expect(await db.selectFrom(table).select('id').execute()).toEqual([{ id: 1 }])
    })
  })
}
