/**
 * `sluiceBatch()`: Drizzle-built queries in one Sluice pipeline on
 * node-postgres, mysql2 and better-sqlite3 (whose synchronous client keeps a
 * pinned connection: the batch borrows others from the same pool).
 */
import { BatchNotRunError, PipelineStatementError, type QueryResult } from '@sluice/core'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sluiceBatch, SluiceBatchError, sluiceOf, type DrizzleBatchQuery } from '../../src/index.js'
import { drizzle as mysqlDrizzle } from '../../src/mysql2/index.js'
import { drizzle as pgDrizzle } from '../../src/node-postgres/index.js'
import { drizzle as sqliteDrizzle } from '../../src/better-sqlite3/index.js'
import { MYSQL_URL, PG_URL, tempSqliteFile } from '../support/databases.js'
import { mysqlItems } from '../support/mysql-harness.js'
import { pgItems } from '../support/pg-harness.js'
import { sqliteItems } from '../support/sqlite-harness.js'

type DatabaseName = 'postgres' | 'mysql' | 'sqlite'

/** One database, as the tests drive it: Drizzle queries to batch, and Drizzle's own path to check on them. */
interface Subject {
  readonly db: object
  insert(id: number, name?: string): DrizzleBatchQuery
  update(id: number, qty: number): DrizzleBatchQuery
  all(): DrizzleBatchQuery
  /** Inserts now, through Drizzle's own path. */
  insertNow(id: number): Promise<void>
  /** The ids in the table, through Drizzle's own path. */
  ids(): Promise<number[]>
  clear(): Promise<void>
  transaction(fn: (tx: object) => Promise<unknown>): Promise<unknown>
  close(): Promise<void>
}

const DUPLICATE: Record<DatabaseName, Record<string, unknown>> = {
  postgres: { code: '23505' },
  mysql: { code: 'ER_DUP_ENTRY' },
  sqlite: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
}

const CREATE = (table: string, text: string) => sql`create table ${sql.identifier(table)} (id integer primary key, name ${sql.raw(text)} not null, qty integer not null)`

const SUBJECTS: Record<DatabaseName, (table: string) => Promise<Subject>> = {
  postgres: async (name) => {
    const db = pgDrizzle({ connection: PG_URL, pool: { min: 0, max: 3 } })
    const table = pgItems(name)
    await db.execute(sql`drop table if exists ${sql.identifier(name)}`)
    await db.execute(CREATE(name, 'varchar(100)'))
    return {
      db,
      insert: (id, text = `item ${id}`) => db.insert(table).values({ id, name: text, qty: id }),
      update: (id, qty) => db.update(table).set({ qty }).where(eq(table.id, id)),
      all: () => db.select().from(table).orderBy(table.id),
      insertNow: async (id) => void (await db.insert(table).values({ id, name: `item ${id}`, qty: id })),
      ids: async () => (await db.select({ id: table.id }).from(table).orderBy(table.id)).map((row) => row.id),
      clear: async () => void (await db.delete(table)),
      transaction: (fn) => db.transaction((tx) => fn(tx)),
      close: async () => {
        await db.execute(sql`drop table if exists ${sql.identifier(name)}`)
        await db.$client.end()
      },
    }
  },
  mysql: async (name) => {
    const db = mysqlDrizzle({ connection: MYSQL_URL, pool: { min: 0, max: 3 } })
    const table = mysqlItems(name)
    await db.execute(sql`drop table if exists ${sql.identifier(name)}`)
    await db.execute(CREATE(name, 'varchar(100)'))
    return {
      db,
      insert: (id, text = `item ${id}`) => db.insert(table).values({ id, name: text, qty: id }),
      update: (id, qty) => db.update(table).set({ qty }).where(eq(table.id, id)),
      all: () => db.select().from(table).orderBy(table.id),
      insertNow: async (id) => void (await db.insert(table).values({ id, name: `item ${id}`, qty: id })),
      ids: async () => (await db.select({ id: table.id }).from(table).orderBy(table.id)).map((row) => row.id),
      clear: async () => void (await db.delete(table)),
      transaction: (fn) => db.transaction((tx) => fn(tx)),
      close: async () => {
        await db.execute(sql`drop table if exists ${sql.identifier(name)}`)
        await db.$client.end()
      },
    }
  },
  sqlite: async (name) => {
    const db = await sqliteDrizzle({ connection: tempSqliteFile(), pool: { min: 1, max: 3 } })
    const table = sqliteItems(name)
    db.run(CREATE(name, 'text'))
    return {
      db,
      insert: (id, text = `item ${id}`) => db.insert(table).values({ id, name: text, qty: id }),
      update: (id, qty) => db.update(table).set({ qty }).where(eq(table.id, id)),
      all: () => db.select().from(table).orderBy(table.id),
      insertNow: async (id) => void db.insert(table).values({ id, name: `item ${id}`, qty: id }).run(),
      ids: async () => db.select({ id: table.id }).from(table).orderBy(table.id).all().map((row) => row.id),
      clear: async () => void db.delete(table).run(),
      transaction: (fn) => db.transaction(async (tx) => fn(tx)),
      close: () => db.$client.close(),
    }
  },
}

const idsOf = (value: QueryResult | undefined) => value?.rows.map((row) => Number(row.id))

for (const database of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`drizzle on Sluice, ${database}: sluiceBatch`, () => {
    let subject: Subject
    beforeAll(async () => {
      subject = await SUBJECTS[database](`batch_drizzle_${database}`)
    })
    beforeEach(async () => {
      await subject.clear()
    })
    afterAll(async () => {
      await subject?.close()
    })

    it('runs builder inserts and a select in order, in one batch', async () => {
      const { results, report } = await sluiceBatch(subject.db, [subject.insert(1), subject.insert(2), subject.update(2, 20), subject.all()], { strategy: 'transactional' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok'])
      expect(results[0].value?.affectedRows).toBe(1)
      expect(results[2].value?.affectedRows).toBe(1)
      // rows as the driver decodes them, keyed by column name
      expect(results[3].value?.rows.map((row) => [Number(row.id), row.name, Number(row.qty)])).toEqual([
        [1, 'item 1', 1],
        [2, 'item 2', 20],
      ])
      expect(report).toMatchObject({ succeeded: 4, failed: 0, notRun: 0, rolledBack: 0, batches: 1 })
      expect(await subject.ids()).toEqual([1, 2])
    })

    it('keeps the order of many statements and passes parameters as parameters', async () => {
      const tricky = `it's "quoted"; drop table batch_drizzle_${database}; --`
      const { results } = await sluiceBatch(subject.db, [...Array.from({ length: 30 }, (_, i) => subject.insert(i + 1)), subject.insert(31, tricky), subject.all()])
      const last = results.at(-1)?.value
      expect(idsOf(last)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
      expect(last?.rows.at(-1)?.name).toBe(tricky)
    })

    it('transactional: a failing statement leaves nothing behind and is named', async () => {
      await subject.insertNow(3)
      const failure = await sluiceBatch(subject.db, [subject.insert(1), subject.insert(2), subject.insert(3), subject.insert(4)], { strategy: 'transactional' }).catch(
        (error: unknown) => error,
      )
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
      expect(await subject.ids()).toEqual([3])
      // the better-sqlite3 client keeps its pinned connection
      expect(sluiceOf(subject.db).stats().currentState.activeConnections).toBe(database === 'sqlite' ? 1 : 0)
    })

    it('best-effort: the good statements stay, the failed one is reported', async () => {
      await subject.insertNow(3)
      const { results, report } = await sluiceBatch(subject.db, [subject.insert(1), subject.insert(3), subject.insert(4), subject.all()], { strategy: 'best-effort' })
      expect(results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'ok', 'ok'])
      expect(results[1].error).toMatchObject(DUPLICATE[database])
      expect(idsOf(results[3].value)).toEqual([1, 3, 4])
      expect(report).toMatchObject({ succeeded: 3, failed: 1 })
      expect(await subject.ids()).toEqual([1, 3, 4])
    })

    it('sequential: keeps what ran before the failure and names it', async () => {
      await subject.insertNow(2)
      const error = (await sluiceBatch(subject.db, [subject.insert(1), subject.insert(2), subject.insert(3)]).catch((failure: unknown) => failure)) as SluiceBatchError
      expect(error).toBeInstanceOf(SluiceBatchError)
      expect(error.failedIndex).toBe(1)
      expect(error.results.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'not-run'])
      expect(await subject.ids()).toEqual([1, 2])
    })

    it('refuses a transaction, transaction control, placeholders and writes under parallel, writing nothing', async () => {
      await expect(subject.transaction((tx) => sluiceBatch(tx, [subject.insert(1)]))).rejects.toThrow(TypeError)
      const commit: DrizzleBatchQuery = { toSQL: () => ({ sql: 'commit', params: [] }) }
      await expect(sluiceBatch(subject.db, [subject.insert(1), commit])).rejects.toBeInstanceOf(PipelineStatementError)
      await expect(sluiceBatch(subject.db, [subject.all(), subject.insert(1)], { strategy: 'parallel' })).rejects.toBeInstanceOf(PipelineStatementError)
      const placeholder: DrizzleBatchQuery = { toSQL: () => ({ sql: 'select ?', params: [sql.placeholder('n')] }) }
      await expect(sluiceBatch(subject.db, [subject.insert(1), placeholder])).rejects.toThrow('placeholders')
      expect(await subject.ids()).toEqual([])
    })
  })
}
