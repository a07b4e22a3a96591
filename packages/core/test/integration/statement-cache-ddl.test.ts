/**
 * Named prepared statements and schema changes on PostgreSQL: DDL that went
 * through the pool makes every connection prepare its statements again, and
 * a type that another process dropped and created again is recovered from
 * once, so no cached statement ever stores or returns what stock pg would not.
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PgDialect } from '../../src/dialects/pg/index.js'
import { createPool, type Pool } from '../../src/pool.js'
import type { PoolConnection } from '../../src/connection/pool-connection.js'
import { PG_URL } from '../support/databases.js'

const TABLE = `ddl_epoch_${process.pid}`
const TYPE = `ddl_mood_${process.pid}`
const INSERT_TS = `INSERT INTO ${TABLE} (ts) VALUES ($1)`
const VALUE = '2022-01-01 00:00:00-0200'

let stock: pg.Client
let pool: Pool | undefined

beforeAll(async () => {
  stock = new pg.Client({ connectionString: PG_URL })
  await stock.connect()
})

afterAll(async () => {
  await stock.query(`DROP TABLE IF EXISTS ${TABLE}; DROP TYPE IF EXISTS ${TYPE}`)
  await stock.end()
})

afterEach(async () => {
  await pool?.close()
  pool = undefined
})

function openPool(max = 2): Pool {
  pool = createPool({ dialect: new PgDialect({ connectionString: PG_URL, statementCacheSize: 10 }), min: max, max, log: false })
  return pool
}

/** Runs `work` on each of the pool's `count` connections at once, so that every one of them is used. */
async function onEveryConnection(target: Pool, count: number, work: (conn: PoolConnection) => Promise<void>): Promise<void> {
  let arrived = 0
  let open!: () => void
  const allHere = new Promise<void>((resolve) => (open = resolve))
  await Promise.all(
    Array.from({ length: count }, () =>
      target.withConnection(async (conn) => {
        if (++arrived === count) open()
        await allHere
        await work(conn)
      }),
    ),
  )
}

/** What stock pg (an unnamed statement on a fresh Parse) stores for VALUE, as epoch seconds. */
async function stockStores(): Promise<number> {
  await stock.query(`DELETE FROM ${TABLE}`)
  await stock.query(INSERT_TS, [VALUE])
  const { rows } = await stock.query<{ s: string }>(`SELECT extract(epoch FROM ts)::text AS s FROM ${TABLE}`)
  await stock.query(`DELETE FROM ${TABLE}`)
  return Number(rows[0]?.s)
}

async function storedByEachConnection(target: Pool): Promise<number[]> {
  const seen: number[] = []
  await onEveryConnection(target, 2, async (conn) => {
    await conn.query(INSERT_TS, [VALUE])
  })
  const rows = (await target.query(`SELECT extract(epoch FROM ts)::text AS s FROM ${TABLE}`)) as Array<{ s: string }>
  for (const row of rows) seen.push(Number(row.s))
  await target.query(`DELETE FROM ${TABLE}`)
  return seen
}

describe('pg statement cache: DDL through the pool', () => {
  it('a table recreated with timestamptz: the same INSERT text stores what stock pg stores, on every connection', async () => {
    const db = openPool()
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`)
    await db.query(`CREATE TABLE ${TABLE} (ts timestamp)`)
    // both connections prepare the INSERT while the column is `timestamp` (the offset is dropped, as stock does)
    await storedByEachConnection(db)

    await db.query(`DROP TABLE ${TABLE}`)
    await db.query(`CREATE TABLE ${TABLE} (ts timestamptz)`)
    const expected = await stockStores()
    expect(expected).toBe(Date.UTC(2022, 0, 1, 2) / 1000)
    expect(await storedByEachConnection(db)).toEqual([expected, expected])
    expect(db.stats().statements.hits).toBe(0)
  })

  it('DDL in a transaction reaches the other connections when it commits', async () => {
    const db = openPool()
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`)
    await db.query(`CREATE TABLE ${TABLE} (ts timestamp)`)
    await storedByEachConnection(db)
    await db.transaction(async (tx) => {
      await tx.query(`DROP TABLE ${TABLE}`)
      await tx.query(`CREATE TABLE ${TABLE} (ts timestamptz)`)
    })
    const expected = await stockStores()
    expect(await storedByEachConnection(db)).toEqual([expected, expected])
  })

  it('an enum type recreated through the pool: no "cache lookup failed for type"', async () => {
    const db = openPool()
    const insert = `INSERT INTO ${TABLE} (m) VALUES ($1) RETURNING m::text`
    const recreate = async (labels: string) => {
      await db.query(`DROP TABLE IF EXISTS ${TABLE}; DROP TYPE IF EXISTS ${TYPE}`)
      await db.query(`CREATE TYPE ${TYPE} AS ENUM (${labels}); CREATE TABLE ${TABLE} (m ${TYPE})`)
    }
    await recreate("'happy', 'sad'")
    await onEveryConnection(db, 2, async (conn) => void (await conn.query(insert, ['happy'])))
    await recreate("'happy', 'sad', 'calm'")
    await onEveryConnection(db, 2, async (conn) => expect(await conn.query(insert, ['calm'])).toEqual([{ m: 'calm' }]))
  })
})

describe('pg statement cache: DDL from another process', () => {
  const insert = `INSERT INTO ${TABLE} (m) VALUES ($1) RETURNING m::text`
  const recreateElsewhere = async () => {
    await stock.query(`DROP TABLE IF EXISTS ${TABLE}; DROP TYPE IF EXISTS ${TYPE}`)
    await stock.query(`CREATE TYPE ${TYPE} AS ENUM ('happy', 'calm'); CREATE TABLE ${TABLE} (m ${TYPE})`)
  }

  it('an enum type recreated behind the pool: the statement is prepared again and runs once', async () => {
    await recreateElsewhere()
    const db = openPool(1)
    expect(await db.query(insert, ['happy'])).toEqual([{ m: 'happy' }])
    await recreateElsewhere()
    expect(await db.query(insert, ['calm'])).toEqual([{ m: 'calm' }])
    // exactly one row: the failed attempt wrote nothing, the retry wrote once
    expect(await db.query(`SELECT m::text FROM ${TABLE}`)).toEqual([{ m: 'calm' }])
  })

  it('inside a transaction the error reaches the caller (the transaction is aborted); the next use works', async () => {
    await recreateElsewhere()
    const db = openPool(1)
    await db.query(insert, ['happy'])
    await recreateElsewhere()
    await expect(db.transaction((tx) => tx.query(insert, ['calm']))).rejects.toMatchObject({ code: 'XX000' })
    expect(await db.query(insert, ['calm'])).toEqual([{ m: 'calm' }])
  })
})
