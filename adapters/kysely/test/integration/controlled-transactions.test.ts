/**
 * Kysely 0.28's controlled transactions and savepoints on Sluice, and the
 * transaction settings the stock drivers honour.
 */
import { AbortedTransactionError, Kysely, sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sluiceOf } from '../../src/index.js'
import { allTargets, postgresTarget, type TestDB } from '../support/targets.js'

const table = 'kysely_controlled'
const item = (id: number) => ({ id, name: `item ${id}`, qty: id })

for (const target of allTargets()) {
  describe(`${target.database}: controlled transactions`, () => {
    let db: Kysely<TestDB>
    const ids = async () => (await db.selectFrom(table).select('id').orderBy('id').execute()).map((row) => row.id)

    beforeAll(async () => {
      db = new Kysely<TestDB>({ dialect: target.sluice({ max: 3 }) })
      await db.schema.dropTable(table).ifExists().execute()
      await db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(100)').addColumn('qty', 'integer').execute()
    })
    beforeEach(async () => {
      await db.deleteFrom(table).execute()
    })
    afterAll(async () => {
      await db?.schema.dropTable(table).ifExists().execute()
      await db?.destroy()
    })

    it('rolls back to a savepoint, keeping what came before it, and commits the rest', async () => {
      const trx = await db.startTransaction().execute()
      await trx.insertInto(table).values(item(1)).execute()
      const afterOne = await trx.savepoint('after_one').execute()
      await afterOne.insertInto(table).values(item(2)).execute()
      const afterTwo = await afterOne.savepoint('after_two').execute()
      await afterTwo.insertInto(table).values(item(3)).execute()
      // undo 2 and 3 by going back to the outer savepoint
      const back = await afterTwo.rollbackToSavepoint('after_one').execute()
      await back.insertInto(table).values(item(4)).execute()
      const inner = await back.savepoint('inner').execute()
      await inner.insertInto(table).values(item(5)).execute()
      const released = await inner.releaseSavepoint('inner').execute()
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
      await released.commit().execute()

      expect(released.isCommitted).toBe(true)
      expect(await ids()).toEqual([1, 4, 5])
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    })

    it('rolls a controlled transaction back and gives its connection back', async () => {
      const trx = await db.startTransaction().execute()
      await trx.insertInto(table).values(item(1)).execute()
      await trx.rollback().execute()
      expect(trx.isRolledBack).toBe(true)
      expect(await ids()).toEqual([])
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      await expect(trx.selectFrom(table).selectAll().execute()).rejects.toThrow(/rolled back/)
    })

    it('recovers from a failed statement by rolling back to a savepoint', async () => {
      const trx = await db.startTransaction().execute()
      await trx.insertInto(table).values(item(1)).execute()
      const saved = await trx.savepoint('before_duplicate').execute()
      // on PostgreSQL this aborts the transaction until the rollback to the savepoint
      await expect(saved.insertInto(table).values(item(1)).execute()).rejects.toThrow()
      const recovered = await saved.rollbackToSavepoint('before_duplicate').execute()
      await recovered.insertInto(table).values(item(2)).execute()
      await recovered.commit().execute()
      expect(await ids()).toEqual([1, 2])
    })
  })
}

describe('postgres: what the server decides about a transaction', () => {
  const table = 'kysely_commit_refused'
  let db: Kysely<TestDB>
  beforeAll(async () => {
    db = new Kysely<TestDB>({ dialect: postgresTarget.sluice({ max: 2 }) })
    await db.schema.dropTable(table).ifExists().execute()
    await db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(100)').addColumn('qty', 'integer').execute()
    await db.insertInto(table).values(item(1)).execute()
  })
  afterAll(async () => {
    await db?.schema.dropTable(table).ifExists().execute()
    await db?.destroy()
  })

  it("reports a COMMIT that PostgreSQL turned into a ROLLBACK with Kysely's AbortedTransactionError", async () => {
    const error = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto(table).values(item(2)).execute()
        // a failure the callback swallows still aborts the transaction on the server
        await trx.insertInto(table).values(item(1)).execute().catch(() => undefined)
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortedTransactionError)
    expect(await db.selectFrom(table).select('id').execute()).toEqual([{ id: 1 }])
    expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
  })

  it('marks a controlled transaction whose commit was refused as rolled back', async () => {
    const trx = await db.startTransaction().execute()
    await trx.insertInto(table).values(item(1)).execute().catch(() => undefined)
    await expect(trx.commit().execute()).rejects.toBeInstanceOf(AbortedTransactionError)
    expect(trx.isRolledBack).toBe(true)
    expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
  })

  it('opens transactions with the isolation level and access mode asked for', async () => {
    const level = await db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => (await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx)).rows[0]?.transaction_isolation)
    expect(level).toBe('serializable')
    const readOnly = db.transaction().setAccessMode('read only').execute((trx) => trx.insertInto(table).values(item(9)).execute())
    await expect(readOnly).rejects.toThrow(/read-only transaction/)
  })
})
