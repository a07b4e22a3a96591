/**
 * `.stream()` runs through the engine (a portal read in chunks on
 * PostgreSQL, with no pg-cursor), streams any statement that returns rows
 * (`insert/update/delete ... returning` too), and leaving a stream early
 * leaves the pool healthy.
 */
import { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sluiceOf } from '../../src/index.js'
import { series } from '../support/kysely-harness.js'
import { allTargets, type TestDB } from '../support/targets.js'

for (const target of allTargets()) {
  describe(`${target.database}: streaming`, () => {
    let db: Kysely<TestDB>
    beforeAll(() => {
      db = new Kysely<TestDB>({ dialect: target.sluice({ min: 0, max: 1 }) })
    })
    afterAll(() => db?.destroy())

    it('streams every row, in order, whatever the chunk size', async () => {
      for (const chunkSize of [1, 7, 1000]) {
        const seen: number[] = []
        for await (const row of series(db, 1_000).orderBy('n').stream(chunkSize)) seen.push(Number(row.n))
        expect(seen).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1))
      }
    })

    it('leaves the pool healthy after a break out of the loop', async () => {
      const before = sluiceOf(db).stats()
      for (let round = 0; round < 3; round++) {
        let seen = 0
        for await (const _row of series(db, 10_000).stream(100)) {
          if (++seen === 250) break
        }
        expect(seen).toBe(250)
      }
      const after = sluiceOf(db).stats()
      expect(after.currentState.activeConnections).toBe(0)
      expect(after.queries.errors).toBe(before.queries.errors)
      // the one connection (max: 1) is reused: not in a transaction, not busy with the abandoned result
      expect(after.connections.recycled).toBe(before.connections.recycled)
      const row = await db.selectNoFrom((eb) => eb.val(42).as('answer')).executeTakeFirstOrThrow()
      expect(Number(row.answer)).toBe(42)
      expect(await db.transaction().execute(async (trx) => (await series(trx, 3).execute()).length)).toBe(3)
    })

    it('streams inside a transaction and keeps the transaction usable after an early break', async () => {
      const result = await db.transaction().execute(async (trx) => {
        let seen = 0
        for await (const _row of series(trx, 1_000).stream(10)) {
          if (++seen === 15) break
        }
        const rest = await series(trx, 5).execute()
        return { seen, rest: rest.length }
      })
      expect(result).toEqual({ seen: 15, rest: 5 })
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    })

    it.runIf(target.returning)('streams insert, update and delete ... returning', async () => {
      const table = `stream_returning_${process.pid}`
      await db.schema.dropTable(table).ifExists().execute()
      await db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'varchar(50)').addColumn('qty', 'integer').execute()
      try {
        const rows = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, qty: i }))
        const inserted: unknown[] = []
        for await (const row of db.insertInto(table).values(rows).returning(['id', 'name', 'qty']).stream(7)) inserted.push(row)
        expect(inserted).toEqual(rows)
        const updated: unknown[] = []
        for await (const row of db.updateTable(table).set({ name: 'x' }).where('id', '<=', 10).returning('id').stream(3)) updated.push(row)
        expect(updated).toHaveLength(10)
        const deleted: unknown[] = []
        for await (const row of db.deleteFrom(table).where('id', '>', 25).returning('id').stream(2)) deleted.push(row)
        expect(deleted).toHaveLength(5)
        const left = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
        expect(Number(left.n)).toBe(25)
      } finally {
        await db.schema.dropTable(table).ifExists().execute()
      }
    })

    it("rejects a chunk size that is not a positive integer, as Kysely's stock drivers do", async () => {
      const stream = series(db, 10).stream(0)
      await expect(stream.next()).rejects.toThrow('chunkSize must be a positive integer')
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    })
  })
}
