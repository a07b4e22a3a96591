/**
 * One adapter suite for every ORM x database. An adapter's test file builds a
 * harness per database and calls `adapterSuite(harness)`.
 */
import { afterAll, beforeAll, describe, expect, it as vitestIt } from 'vitest'
import type { AdapterHarness, OrmClient } from './harness.js'

export function adapterSuite(harness: AdapterHarness): void {
  const { orm, database } = harness
  // a test that cannot apply is listed with its reason, never dropped silently
  const it = (title: string, fn: () => Promise<void>) => {
    const reason = harness.notApplicable?.[title]
    if (reason) vitestIt.skip(`${title} (not applicable: ${reason})`, fn)
    else vitestIt(title, fn)
  }
  const variant = harness.variant === undefined ? '' : ` (${harness.variant})`
  describe(`${orm} on Sluice${variant}, ${database}`, () => {
    let db: OrmClient
    // a variant runs on a table of its own, so it may run beside the plain suite
    const table = `adapter_${orm}_${database}${harness.variant === undefined ? '' : `_${harness.variant.replace(/\W+/g, '_')}`}`

    beforeAll(async () => {
      db = await harness.sluice({ min: 1, max: 4, acquireTimeoutMillis: 2_000 })
      await db.dropTable(table)
      await db.createTable(table)
    })
    afterAll(async () => {
      await db?.dropTable(table)
      await db?.destroy()
    })

    it('returns the same result shapes as the stock driver for the same CRUD', async () => {
      const stock = await harness.stock()
      const stockTable = `${table}_stock`
      const sluiceTable = `${table}_crud`
      try {
        for (const [client, t] of [[stock, stockTable], [db, sluiceTable]] as const) {
          await client.dropTable(t)
          await client.createTable(t)
        }
        const expected = await stock.crud(stockTable)
        const actual = await db.crud(sluiceTable)
        expect(actual).toEqual(expected)
        expect(actual.length).toBeGreaterThan(3)
      } finally {
        await stock.dropTable(stockTable)
        await db.dropTable(sluiceTable)
        await stock.destroy()
      }
    })

    it('commits and rolls back', async () => {
      await db.transaction(async (tx) => tx.insert(table, 1, 'committed', 1))
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(table, 2, 'rolled back', 1)
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      expect(await db.count(table)).toBe(1)
    })

    it('keeps every statement of each of 20 concurrent transactions on one backend', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction(async (tx) => {
            const ids = [await tx.backendId()]
            await tx.insert(table, 100 + i, `concurrent ${i}`, i)
            ids.push(await tx.backendId())
            await new Promise((resolve) => setTimeout(resolve, 5))
            ids.push(await tx.backendId())
            await tx.count(table)
            ids.push(await tx.backendId())
            return ids
          }),
        ),
      )
      for (const ids of results) expect(new Set(ids).size).toBe(1)
      expect(await db.count(table)).toBe(21)
      const stats = db.stats()!
      expect(stats.currentState.totalConnections).toBeLessThanOrEqual(4)
      expect(stats.currentState.activeConnections).toBe(0)
    })

    it('streams a large result', async () => {
      let seen = 0
      for await (const _row of db.stream(10_000)) seen++
      expect(seen).toBe(10_000)
      expect(db.stats()!.currentState.activeConnections).toBe(0)
    })

    it('rolls back a transaction whose statement fails, with the driver\'s own error', async () => {
      const before = await db.count(table)
      const error = await db
        .transaction(async (tx) => {
          await tx.insert(table, 500, 'doomed', 1)
          throw await tx.failingStatement(table, 1)
        })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).constructor.name).not.toMatch(/Sluice/)
      expect(await db.count(table)).toBe(before)
    })

    it('does not leak a connection when BEGIN fails', async () => {
      const before = db.stats()!.currentState
      await expect(db.failingBegin()).resolves.toBeInstanceOf(Error)
      const after = db.stats()!.currentState
      expect(after.activeConnections).toBe(0)
      expect(after.totalConnections).toBeLessThanOrEqual(Math.max(before.totalConnections, 4))
      expect(await db.count(table)).toBeGreaterThan(0)
    })

    it('keeps session state (SET, temp tables) within a transaction', async () => {
      const result = await db.transaction(async (tx) => {
        await tx.setSessionValue('sluice-42')
        await tx.count(table)
        return { value: await tx.sessionValue(), temp: await tx.tempTableRoundTrip() }
      })
      expect(result).toEqual({ value: 'sluice-42', temp: 3 })
    })

    it('times out an acquire on an exhausted pool with the ORM\'s own error class', async () => {
      const small = await harness.sluice({ min: 0, max: 1, acquireTimeoutMillis: 200 })
      try {
        const holding = small.hold(1_000)
        await new Promise((resolve) => setTimeout(resolve, 100))
        const error = await small.count(table).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(harness.timeoutErrorClass)
        await holding
        expect(await small.count(table)).toBeGreaterThan(0)
      } finally {
        await small.destroy()
      }
    })
  })
}
