/**
 * `sluiceBatch()`: Kysely-built queries in one Sluice pipeline, answered per
 * query as `execute()` answers, on PostgreSQL, MySQL and SQLite.
 */
import { BatchNotRunError, PipelineStatementError } from '@sluice/core'
import { InsertResult, Kysely, sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sluiceBatch, SluiceBatchError, sluiceOf } from '../../src/index.js'
import { allTargets, type KyselyTarget, type TestDB } from '../support/targets.js'

/** What each driver's duplicate-key error carries. */
const DUPLICATE: Record<KyselyTarget['database'], Record<string, unknown>> = {
  postgres: { code: '23505' },
  mysql: { code: 'ER_DUP_ENTRY' },
  sqlite: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
}

for (const target of allTargets()) {
  const table = `batch_kysely_${target.database}`

  describe(`${target.database}: sluiceBatch`, () => {
    let db: Kysely<TestDB>
    const item = (id: number, qty = id) => db.insertInto(table).values({ id, name: `item ${id}`, qty })
    const all = () => db.selectFrom(table).selectAll().orderBy('id')

    beforeAll(async () => {
      db = new Kysely<TestDB>({ dialect: target.sluice({ min: 0, max: 3 }) })
      await db.schema.dropTable(table).ifExists().execute()
      await db.schema
        .createTable(table)
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('name', 'varchar(100)', (col) => col.notNull())
        .addColumn('qty', 'integer', (col) => col.notNull())
        .execute()
    })
    beforeEach(async () => {
      await db.deleteFrom(table).execute()
    })
    afterAll(async () => {
      await db?.schema.dropTable(table).ifExists().execute()
      await db?.destroy()
    })

    it('runs builder inserts and a select in order, in one batch, answering as execute() does', async () => {
      // the same queries one by one, for what execute() answers
      const expected = [await item(1).execute(), await item(2).execute(), await db.updateTable(table).set({ qty: 20 }).where('id', '=', 2).execute(), await all().execute()]
      await db.deleteFrom(table).execute()

      const { results, report } = await sluiceBatch(db, [item(1), item(2), db.updateTable(table).set({ qty: 20 }).where('id', '=', 2), all()], { strategy: 'transactional' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok'])
      expect(results.map((outcome) => outcome.value)).toEqual(expected)
      expect(results[0].value?.[0]).toBeInstanceOf(InsertResult)
      expect(results[0].value?.[0]?.numInsertedOrUpdatedRows).toBe(1n)
      expect(results[2].value?.[0]?.numUpdatedRows).toBe(1n)
      expect(results[3].value?.map((row) => [Number(row.id), row.name, Number(row.qty)])).toEqual([
        [1, 'item 1', 1],
        [2, 'item 2', 20],
      ])
      expect(report).toMatchObject({ succeeded: 4, failed: 0, notRun: 0, rolledBack: 0, batches: 1 })
      expect(report.items.map((entry) => entry.index)).toEqual([0, 1, 2, 3])
    })

    it('keeps the order of many statements and passes parameters as parameters', async () => {
      const tricky = `it's "quoted"; drop table ${table}; --`
      const queries = [...Array.from({ length: 30 }, (_, i) => item(i + 1)), db.insertInto(table).values({ id: 31, name: tricky, qty: 0 }), all()]
      const { results } = await sluiceBatch(db, queries)
      const rows = results.at(-1)?.value as Array<{ id: number; name: string }>
      expect(rows.map((row) => Number(row.id))).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
      expect(rows.at(-1)?.name).toBe(tricky)
    })

    if (target.returning) {
      it('answers a write with returning() with its rows', async () => {
        const { results } = await sluiceBatch(db, [item(5).returning(['id', 'name']), db.deleteFrom(table).where('id', '=', 5).returning('id')])
        expect(results[0].value?.map((row) => [Number(row.id), row.name])).toEqual([[5, 'item 5']])
        expect(results[1].value?.map((row) => Number(row.id))).toEqual([5])
      })
    }

    it('transactional: a failing statement leaves nothing behind and is named', async () => {
      await item(3).execute()
      const failure = await sluiceBatch(db, [item(1), item(2), item(3), item(4)], { strategy: 'transactional' }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(SluiceBatchError)
      const error = failure as SluiceBatchError
      expect(error.failedIndex).toBe(2)
      expect(error.code).toBe('SLUICE_BATCH_FAILED')
      expect(error.message).toContain('statement #2')
      expect(error.cause).toMatchObject(DUPLICATE[target.database])
      expect(error.report).toMatchObject({ succeeded: 0, failed: 1 })
      expect(error.report.items[2]).toMatchObject({ index: 2, status: 'error' })
      expect(error.results[2]).toMatchObject({ status: 'error', error: error.cause })
      for (const i of [0, 1, 3]) {
        expect(['rolled-back', 'not-run']).toContain(error.results[i]?.status)
        expect(error.results[i]?.error).toBeInstanceOf(BatchNotRunError)
        expect((error.results[i]?.error as BatchNotRunError).failedIndex).toBe(2)
      }
      expect((await all().execute()).map((row) => Number(row.id))).toEqual([3])
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    })

    it('best-effort: the good statements stay, the failed one is reported', async () => {
      await item(3).execute()
      const { results, report } = await sluiceBatch(db, [item(1), item(3), item(4), all()], { strategy: 'best-effort' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'ok', 'ok'])
      expect(results[1].error).toMatchObject(DUPLICATE[target.database])
      expect(results[3].value?.map((row) => Number(row.id))).toEqual([1, 3, 4])
      expect(report).toMatchObject({ succeeded: 3, failed: 1, notRun: 0, rolledBack: 0 })
      expect(report.items[1]).toMatchObject({ index: 1, status: 'error' })
    })

    it('sequential: keeps what ran before the failure and names it', async () => {
      await item(2).execute()
      const error = (await sluiceBatch(db, [item(1), item(2), item(3)]).catch((failure: unknown) => failure)) as SluiceBatchError
      expect(error).toBeInstanceOf(SluiceBatchError)
      expect(error.failedIndex).toBe(1)
      expect(error.results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'not-run'])
      expect((await all().execute()).map((row) => Number(row.id))).toEqual([1, 2])
    })

    it('refuses a transaction, transaction control and writes under parallel, writing nothing', async () => {
      await expect(db.transaction().execute((trx) => sluiceBatch(trx, [item(1)]))).rejects.toThrow(TypeError)
      await expect(sluiceBatch(db, [item(1), sql`commit`])).rejects.toBeInstanceOf(PipelineStatementError)
      await expect(sluiceBatch(db, [all(), item(1)], { strategy: 'parallel' })).rejects.toBeInstanceOf(PipelineStatementError)
      await expect(sluiceBatch(db, [item(1)], { strategy: 'eventually' as never })).rejects.toThrow('sluiceBatch.strategy')
      expect(await all().execute()).toEqual([])
      expect(await sluiceBatch(db, [])).toMatchObject({ results: [], report: { succeeded: 0, batches: 0 } })
    })
  })
}
