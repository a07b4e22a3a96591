/**
 * A transaction opened while another connection of the same SQLite file holds
 * one (Knex, `max: 2`, a `knex.transaction` inside a `knex.transaction`): the
 * inner one waits for the file's write lock no longer than the busy timeout,
 * fails with SQLITE_BUSY as better-sqlite3 itself would, and the app goes on.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import knex, { type Knex } from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SluiceBetterSqlite3 } from '@sluice/knex'

let dir: string
let db: Knex | undefined

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-knex-nested-'))
})

afterEach(async () => {
  await db?.destroy()
  db = undefined
  fs.rmSync(dir, { recursive: true, force: true })
})

function openKnex(connection: Record<string, unknown>): Knex {
  db = knex({ client: SluiceBetterSqlite3, connection: { filename: path.join(dir, 'app.db'), ...connection }, useNullAsDefault: true, pool: { min: 0, max: 2 } })
  return db
}

describe('knex on Sluice, sqlite: a transaction inside a transaction', () => {
  it("rejects with SQLITE_BUSY within better-sqlite3's timeout option, and every writer proceeds afterwards", async () => {
    const db = openKnex({ options: { timeout: 300 } })
    await db.schema.createTable('t', (t) => t.string('name'))

    const started = performance.now()
    const outcome = await db
      .transaction(async (outer) => {
        await outer('t').insert({ name: 'outer' })
        await db.transaction((inner) => inner('t').insert({ name: 'inner' }))
      })
      .catch((error: unknown) => error)
    const elapsed = performance.now() - started

    expect(outcome).toBeInstanceOf(Database.SqliteError)
    expect(outcome).toMatchObject({ code: 'SQLITE_BUSY' })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(3000)
    // the outer transaction rolled back; the lock is free for both connections again
    expect(await db('t').select('name')).toEqual([])
    await Promise.all([db('t').insert({ name: 'a' }), db.transaction((trx) => trx('t').insert({ name: 'b' })), db('t').insert({ name: 'c' })])
    expect((await db('t').select('name').orderBy('name')).map((row) => row.name)).toEqual(['a', 'b', 'c'])
  })

  it('takes busyTimeoutMillis as the bound too', async () => {
    const db = openKnex({ busyTimeoutMillis: 100 })
    const client = db.client as { config: { connection: unknown } }
    expect(client.config.connection).toMatchObject({ busyTimeoutMillis: 100 })
    await db.schema.createTable('t', (t) => t.string('name'))
    const trx = await db.transaction()
    try {
      await trx('t').insert({ name: 'held' })
      await expect(db('t').insert({ name: 'blocked' })).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    } finally {
      await trx.commit()
    }
    await db('t').insert({ name: 'after' })
    expect(await db('t').count({ n: '*' })).toEqual([{ n: 2 }])
  })

  it('refuses two bounds for one wait', () => {
    expect(() => openKnex({ busyTimeoutMillis: 100, options: { timeout: 200 } }).client.acquireConnection()).toThrow(/connection.busyTimeoutMillis/)
  })
})
