/**
 * Knex on a PostgreSQL pool that pipelines implicitly: the connection Knex
 * borrows per statement is statement-level (`acquire({ target: 'statement' })`),
 * so its reads run as `pool.execute()` runs them, pipelined under load, while
 * transactions, session state and timeouts keep one real connection. The
 * shared adapter suite runs on it too, and every answer is compared with
 * stock Knex's.
 */
import knex, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PoolTimeoutError, type Dialect } from '@sluice/core'
import { sluiceOf } from '@sluice/knex'
import { adapterSuite } from '../../../../test/adapters/adapter-suite.js'
import { knexHarness, sluiceKnex, stockKnex } from '../support/knex-harness.js'

const PIPELINED = { implicitPipelining: true, statementLevel: true } as const
const TABLE = 'knex_statement_level'
const ROWS = 40
/** Knex logs each failed acquire as a warning, as stock Knex does; a test here causes one on purpose. */
const quiet = { log: { warn() {} } }

adapterSuite(knexHarness('postgres', PIPELINED, 'statement-level, pipelined'))

describe('knex on Sluice, postgres, implicit pipelining: statement-level connections', () => {
  let stock: Knex
  beforeAll(async () => {
    stock = stockKnex('postgres')
    await stock.schema.dropTableIfExists(TABLE)
    await stock.schema.createTable(TABLE, (t) => {
      t.integer('id').primary()
      t.string('name', 40).notNullable()
      t.decimal('balance', 12, 2).notNullable()
      t.timestamp('created_at', { useTz: true }).notNullable()
    })
    await stock(TABLE).insert(Array.from({ length: ROWS }, (_, id) => ({ id, name: `name-${id}`, balance: `${id}.25`, created_at: new Date(Date.UTC(2026, 0, 1 + id)) })))
  })
  afterAll(async () => {
    await stock?.schema.dropTableIfExists(TABLE)
    await stock?.destroy()
  })

  it("still lends a pooled connection to knex.client.acquireConnection(), held until released, as stock Knex", async () => {
    const db = sluiceKnex('postgres', { ...PIPELINED, min: 0, max: 1, acquireTimeoutMillis: 200 }, quiet)
    try {
      const held = await db.client.acquireConnection()
      try {
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
        const error = await db.raw(`select * from ${TABLE} where id = ?`, [1]).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(knex.KnexTimeoutError)
        // as stock Knex raises it from the acquire: its message, the raw statement's SQL and bindings
        expect(error).toMatchObject({ message: 'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?', sql: `select * from ${TABLE} where id = ?`, bindings: [1] })
        expect((error as Error).cause).toBeInstanceOf(PoolTimeoutError)
      } finally {
        await db.client.releaseConnection(held)
      }
      expect(await db(TABLE).where({ id: 1 }).first()).toMatchObject({ id: 1 })
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    } finally {
      await db.destroy()
    }
  })

  it('pipelines concurrent point selects, each caller answered exactly as stock Knex answers it', async () => {
    const db = sluiceKnex('postgres', { ...PIPELINED, min: 0, max: 2 })
    const dialect = sluiceOf(db).config.dialect as Required<Pick<Dialect<unknown>, 'runPipelined'>>
    const pipelined = vi.spyOn(dialect, 'runPipelined')
    try {
      const point = (on: Knex, id: number) => on(TABLE).where({ id }).first()
      const ids = Array.from({ length: 4 * ROWS }, (_, n) => (n * 7) % ROWS)
      const onSluice = await Promise.all(ids.map((id) => point(db, id)))
      const onStock = await Promise.all(ids.map((id) => point(stock, id)))
      expect(onSluice).toEqual(onStock)
      expect(onSluice.map((row) => row.id)).toEqual(ids)
      // 160 callers on 2 connections: statements joined pipes rather than queueing for a connection
      expect(pipelined).toHaveBeenCalled()
      expect(sluiceOf(db).stats().currentState.totalConnections).toBeLessThanOrEqual(2)
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    } finally {
      pipelined.mockRestore()
      await db.destroy()
    }
  })

  it('keeps a transaction on one backend, and its uncommitted row away from pipelined reads beside it', async () => {
    const db = sluiceKnex('postgres', { ...PIPELINED, min: 0, max: 3 })
    try {
      const backend = (on: Knex | Knex.Transaction) => on.raw('select pg_backend_pid() as pid').then((result) => result.rows[0].pid as number)
      await db.transaction(async (trx) => {
        const first = await backend(trx)
        await trx(TABLE).insert({ id: 1000, name: 'uncommitted', balance: '1.00', created_at: new Date() })
        const outside = await Promise.all(Array.from({ length: 30 }, () => db(TABLE).where({ id: 1000 }).first()))
        expect(outside).toEqual(Array.from({ length: 30 }, () => undefined))
        expect(await trx(TABLE).where({ id: 1000 }).first()).toMatchObject({ name: 'uncommitted' })
        expect(await backend(trx)).toBe(first)
        await trx.rollback()
      }).catch((error: unknown) => {
        // Knex rejects a rolled-back transaction's promise with no error of its own
        if (error !== undefined) throw error
      })
      expect(await db(TABLE).where({ id: 1000 }).first()).toBeUndefined()
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
    } finally {
      await db.destroy()
    }
  })

  it("times out a statement that finds no connection beside a transaction with Knex's acquire error, the pool's error as cause", async () => {
    const db = sluiceKnex('postgres', { ...PIPELINED, min: 0, max: 1, acquireTimeoutMillis: 200 }, quiet)
    try {
      await db.transaction(async (trx) => {
        await trx.raw('select 1')
        const error = await db.raw(`select * from ${TABLE} where id = ?`, [1]).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(knex.KnexTimeoutError)
        expect(error).toMatchObject({ message: 'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?', sql: `select * from ${TABLE} where id = ?`, bindings: [1] })
        expect((error as Error).cause).toBeInstanceOf(PoolTimeoutError)
      })
      expect(await db(TABLE).where({ id: 1 }).first()).toMatchObject({ id: 1 })
    } finally {
      await db.destroy()
    }
  })

  it("disposes the connection a statement ran on when it hit Knex's .timeout(), as stock Knex does", async () => {
    const db = sluiceKnex('postgres', { ...PIPELINED, min: 0, max: 1 })
    try {
      // the connection is open before the clock starts, so the statement (not a connect) is what times out
      await db(TABLE).where({ id: 2 }).first()
      // a plain read (no function that would pin by itself) kept waiting by a lock stock Knex holds
      await stock.transaction(async (locker) => {
        await locker.raw(`lock table ${TABLE} in access exclusive mode`)
        await expect(db(TABLE).where({ id: 2 }).first().timeout(50)).rejects.toThrow('Defined query timeout of 50ms exceeded when running query.')
      })
      await vi.waitFor(() => expect(sluiceOf(db).stats().connections.recycled).toBe(1))
      expect(await db(TABLE).where({ id: 2 }).first()).toMatchObject({ id: 2 })
    } finally {
      await db.destroy()
    }
  })
})
