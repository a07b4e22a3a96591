/**
 * `sluiceBatch()`: Knex-built queries in one Sluice pipeline, answered per
 * query as awaiting the builder answers, on PostgreSQL, MySQL and SQLite.
 */
import type { Knex } from 'knex'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BatchNotRunError, PipelineStatementError } from '@sluice/core'
import { sluiceBatch, SluiceBatchError, sluiceOf } from '@sluice/knex'
import type { DatabaseName } from '../../../../test/adapters/harness.js'
import { removeSqliteFile, sluiceKnex } from '../support/knex-harness.js'

const DATABASES = ['postgres', 'mysql', 'sqlite'] as const

/** What each driver's duplicate-key error carries. */
const DUPLICATE: Record<DatabaseName, Record<string, unknown>> = {
  postgres: { code: '23505' },
  mysql: { code: 'ER_DUP_ENTRY' },
  sqlite: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
}

interface ItemRow {
  id: number
  name: string
  qty: number
}

/** The public part of pg's Result (the answer to an insert without returning), or the value itself. */
function comparable(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'command' in value && 'rowCount' in value) return { command: value.command, rowCount: value.rowCount }
  return value
}

afterAll(removeSqliteFile)

for (const database of DATABASES) {
  const table = `batch_knex_${database}`

  describe(`knex on Sluice, ${database}: sluiceBatch`, () => {
    let db: Knex
    const item = (id: number, qty = id) => db<ItemRow>(table).insert({ id, name: `item ${id}`, qty })
    const all = () => db<ItemRow>(table).select('id', 'name', 'qty').orderBy('id')
    const ids = async () => (await all()).map((row) => Number(row.id))

    beforeAll(async () => {
      db = sluiceKnex(database, { min: 0, max: 3 })
      await db.schema.dropTableIfExists(table)
      await db.schema.createTable(table, (t) => {
        t.integer('id').primary()
        t.string('name', 100).notNullable()
        t.integer('qty').notNullable()
      })
    })
    beforeEach(async () => {
      await db(table).del()
    })
    afterAll(async () => {
      await db?.schema.dropTableIfExists(table)
      await db?.destroy()
    })

    it('runs builder inserts and a select in order, in one batch, answering as awaiting the builder does', async () => {
      const queries = () =>
        [
          item(1),
          item(2),
          db<ItemRow>(table).where({ id: 2 }).update({ qty: 20 }),
          db<ItemRow>(table).where({ id: 1 }).first(),
          db<ItemRow>(table).orderBy('id').pluck('name'),
          db.raw(`select count(*) as n from ${table} where qty > ?`, [5]),
          all(),
        ] as const
      // the same queries one by one, for what Knex answers
      const expected: unknown[] = []
      for (const query of queries()) expected.push(await query)
      await db(table).del()

      const { results, report } = await sluiceBatch(db, queries(), { strategy: 'transactional' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
      // a raw answer is the driver's own result object: compare the rows
      const rawRows = (value: any) => (database === 'postgres' ? value.rows : database === 'mysql' ? value[0] : value)
      expect(rawRows(results[5].value)).toEqual(rawRows(expected[5]))
      expect(results.map((outcome, i) => (i === 5 ? undefined : comparable(outcome.value)))).toEqual(expected.map((value, i) => (i === 5 ? undefined : comparable(value))))
      expect(results[6].value?.map((row) => [Number(row.id), row.name, Number(row.qty)])).toEqual([
        [1, 'item 1', 1],
        [2, 'item 2', 20],
      ])
      expect(results[2].value).toBe(1)
      expect(report).toMatchObject({ succeeded: 7, failed: 0, notRun: 0, rolledBack: 0, batches: 1 })
    })

    it('keeps the order of many statements and passes bindings as parameters', async () => {
      const tricky = `it's "quoted"; drop table ${table}; --`
      const { results } = await sluiceBatch(db, [...Array.from({ length: 30 }, (_, i) => item(i + 1)), db(table).insert({ id: 31, name: tricky, qty: 0 }), all()])
      const rows = results.at(-1)?.value as ItemRow[]
      expect(rows.map((row) => Number(row.id))).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
      expect(rows.at(-1)?.name).toBe(tricky)
    })

    if (database !== 'mysql') {
      it('answers an insert with returning() with its rows', async () => {
        const { results } = await sluiceBatch(db, [item(5).returning(['id', 'name']), db(table).where({ id: 5 }).del()])
        expect(results[0].value).toEqual([{ id: 5, name: 'item 5' }])
        expect(results[1].value).toBe(1)
      })
    }

    it('transactional: a failing statement leaves nothing behind and is named', async () => {
      await item(3)
      const failure = await sluiceBatch(db, [item(1), item(2), item(3), item(4)], { strategy: 'transactional' }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(SluiceBatchError)
      const error = failure as SluiceBatchError
      expect(error.failedIndex).toBe(2)
      expect(error.message).toContain('statement #2')
      expect(error.cause).toMatchObject(DUPLICATE[database])
      expect(error.report).toMatchObject({ succeeded: 0, failed: 1 })
      expect(error.report.items[2]).toMatchObject({ index: 2, status: 'error' })
      for (const i of [0, 1, 3]) {
        expect(['rolled-back', 'not-run']).toContain(error.results[i]?.status)
        expect(error.results[i]?.error).toBeInstanceOf(BatchNotRunError)
        expect((error.results[i]?.error as BatchNotRunError).failedIndex).toBe(2)
      }
      expect(await ids()).toEqual([3])
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    })

    it('best-effort: the good statements stay, the failed one is reported', async () => {
      await item(3)
      const { results, report } = await sluiceBatch(db, [item(1), item(3), item(4), all()], { strategy: 'best-effort' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'ok', 'ok'])
      expect(results[1].error).toMatchObject(DUPLICATE[database])
      expect(results[3].value?.map((row) => Number(row.id))).toEqual([1, 3, 4])
      expect(report).toMatchObject({ succeeded: 3, failed: 1 })
    })

    it('sequential: keeps what ran before the failure and names it', async () => {
      await item(2)
      const error = (await sluiceBatch(db, [item(1), item(2), item(3)]).catch((failure: unknown) => failure)) as SluiceBatchError
      expect(error).toBeInstanceOf(SluiceBatchError)
      expect(error.failedIndex).toBe(1)
      expect(error.results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'not-run'])
      expect(await ids()).toEqual([1, 2])
    })

    it('refuses a transaction, transaction control, several statements, options and writes under parallel, writing nothing', async () => {
      await expect(db.transaction((trx) => sluiceBatch(trx, [trx(table).insert({ id: 1, name: 'x', qty: 1 })]))).rejects.toThrow(TypeError)
      await expect(sluiceBatch(db, [item(1), db.raw('commit')])).rejects.toBeInstanceOf(PipelineStatementError)
      await expect(sluiceBatch(db, [all(), item(1)], { strategy: 'parallel' })).rejects.toBeInstanceOf(PipelineStatementError)
      await expect(sluiceBatch(db, [item(1), all().options({ rowMode: 'array' })])).rejects.toThrow('rowMode')
      await expect(sluiceBatch(db, [item(1), all().timeout(1000)])).rejects.toThrow('timeout')
      expect(await ids()).toEqual([])
    })
  })
}
