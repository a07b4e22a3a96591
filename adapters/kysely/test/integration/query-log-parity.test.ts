/**
 * Kysely's query log shows the same statements, transaction commands
 * included, whether Kysely runs on its stock dialect or on Sluice.
 */
import { Kysely } from 'kysely'
import type { Dialect, LogEvent } from 'kysely'
import { describe, expect, it } from 'vitest'
import { allTargets, type KyselyTarget, type TestDB } from '../support/targets.js'

interface Logged {
  level: LogEvent['level']
  sql: string
  parameters: readonly unknown[]
  isStream: boolean | undefined
  errorCode: unknown
}

const table = 'kysely_log_parity'
const item = (id: number) => ({ id, name: `item ${id}`, qty: id })

for (const target of allTargets()) {
  describe(`${target.database}: query log`, () => {
    it('logs the same statements, BEGIN, COMMIT, ROLLBACK and savepoints included, as the stock dialect', async () => {
      const stock = await runLogged(target.stock(), target)
      const sluice = await runLogged(target.sluice({ max: 2 }), target)
      expect(sluice).toEqual(stock)
      const statements = sluice.map((entry) => entry.sql)
      expect(statements).toContain('commit')
      expect(statements).toContain('rollback')
      expect(statements.some((s) => s.startsWith('savepoint'))).toBe(true)
      expect(sluice.filter((entry) => entry.level === 'error')).toHaveLength(1)
    })
  })
}

async function runLogged(dialect: Dialect, target: KyselyTarget): Promise<Logged[]> {
  const logged: Logged[] = []
  const db = new Kysely<TestDB>({
    dialect,
    log: (event) => {
      logged.push({
        level: event.level,
        sql: event.query.sql,
        parameters: event.query.parameters,
        isStream: event.level === 'query' ? event.isStream : undefined,
        errorCode: event.level === 'error' ? (event.error as { code?: unknown }).code : undefined,
      })
    },
  })
  try {
    await db.schema.dropTable(table).ifExists().execute()
    await db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(100)').addColumn('qty', 'integer').execute()
    await workload(db, target)
    await db.schema.dropTable(table).execute()
    return logged
  } finally {
    await db.destroy()
  }
}

async function workload(db: Kysely<TestDB>, target: KyselyTarget): Promise<void> {
  await db.transaction().execute((trx) => trx.insertInto(table).values(item(1)).execute())
  await db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto(table).values(item(2)).execute()
      throw new Error('abort')
    })
    .catch(() => undefined)
  await db.transaction().setIsolationLevel('serializable').setAccessMode('read only').execute((trx) => trx.selectFrom(table).selectAll().execute())

  const trx = await db.startTransaction().setIsolationLevel('read committed').execute()
  await trx.insertInto(table).values(item(3)).execute()
  const afterThree = await trx.savepoint('after_three').execute()
  await afterThree.insertInto(table).values(item(4)).execute()
  const rolledBack = await afterThree.rollbackToSavepoint('after_three').execute()
  const inner = await rolledBack.savepoint('inner').execute()
  const released = await inner.releaseSavepoint('inner').execute()
  await released.commit().execute()

  const abandoned = await db.startTransaction().execute()
  await abandoned.rollback().execute()

  // a failing statement is logged at level 'error'
  await db.insertInto(table).values(item(1)).execute().catch(() => undefined)
  // stock PostgreSQL streaming needs pg-cursor, which Sluice does not
  if (target.database !== 'postgres') {
    for await (const _row of db.selectFrom(table).selectAll().orderBy('id').stream(2)) {
      // read to the end
    }
  }
  await db.selectFrom(table).selectAll().orderBy('id').execute()
}
