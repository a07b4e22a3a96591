/**
 * Values come back exactly as with Drizzle's stock drivers. Drizzle passes
 * its own type parsers with every statement (pg: date/time types as text;
 * mysql2: a typeCast for dates); Sluice has no per-statement parsers, so the
 * adapter sets Drizzle's on the pool's connections. Without them a pg
 * timestamp would arrive as a Date in local time and a mysql2 DATETIME as a
 * Date that Drizzle's column cannot read.
 */
import { sql } from 'drizzle-orm'
import { datetime, date as mysqlDate, decimal, int, json as mysqlJson, mysqlTable, timestamp as mysqlTimestamp } from 'drizzle-orm/mysql-core'
import { drizzle as stockMysql2 } from 'drizzle-orm/mysql2'
import { drizzle as stockNodePg } from 'drizzle-orm/node-postgres'
import { bigint, date, integer, interval, jsonb, numeric, pgTable, timestamp } from 'drizzle-orm/pg-core'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { drizzle as sluiceMysql2 } from '../../src/mysql2/index.js'
import { drizzle as sluiceNodePg } from '../../src/node-postgres/index.js'
import { MYSQL_URL, PG_URL } from '../support/databases.js'

describe('postgres values', () => {
  const stock = stockNodePg(PG_URL)
  const sluice = sluiceNodePg({ connection: PG_URL, pool: { min: 0, max: 2 } })
  afterAll(async () => {
    await stock.execute(sql`drop table if exists drizzle_pg_types`)
    await Promise.all([stock.$client.end(), sluice.$client.end()])
  })
  const types = pgTable('drizzle_pg_types', {
    id: integer().primaryKey(),
    at: timestamp({ precision: 3 }).notNull(),
    atZone: timestamp('at_zone', { withTimezone: true, precision: 3 }).notNull(),
    atText: timestamp('at_text', { mode: 'string' }).notNull(),
    day: date({ mode: 'date' }).notNull(),
    dayText: date('day_text').notNull(),
    span: interval().notNull(),
    amount: numeric({ precision: 12, scale: 2 }).notNull(),
    big: bigint({ mode: 'number' }).notNull(),
    doc: jsonb().$type<{ tags: string[] }>().notNull(),
  })

  it('reads every type as the stock driver does, through builders and db.execute()', async () => {
    await stock.execute(sql`drop table if exists drizzle_pg_types`)
    await stock.execute(sql`create table drizzle_pg_types (id integer primary key, at timestamp(3) not null, at_zone timestamptz(3) not null,
      at_text timestamp not null, day date not null, day_text date not null, span interval not null, amount numeric(12, 2) not null,
      big bigint not null, doc jsonb not null)`)
    const row = {
      at: new Date('2024-02-29T23:59:58.123Z'),
      atZone: new Date('2024-03-01T01:02:03.456Z'),
      atText: '2024-03-01 12:00:00',
      day: new Date('2024-03-01T00:00:00.000Z'),
      dayText: '2024-03-02',
      span: '1 day 02:03:04',
      amount: '1234.50',
      big: 9_007_199_254_740_991,
      doc: { tags: ['a', 'b'] },
    }
    await sluice.insert(types).values({ id: 1, ...row })
    await stock.insert(types).values({ id: 2, ...row })
    const viaSluice = await sluice.select().from(types).orderBy(types.id)
    expect(viaSluice).toEqual(await stock.select().from(types).orderBy(types.id))
    expect(viaSluice[0]).toEqual({ id: 1, ...row })
    const raw = sql`select at, at_zone, day, span, array[at, at] as ats, amount, big, doc from drizzle_pg_types order by id`
    expect((await sluice.execute(raw)).rows).toEqual((await stock.execute(raw)).rows)
  })
})

describe('mysql values', () => {
  const stockPool = mysql.createPool(MYSQL_URL)
  const stock = stockMysql2({ client: stockPool })
  const sluice = sluiceMysql2({ connection: MYSQL_URL, pool: { min: 0, max: 2 } })
  afterAll(async () => {
    await stock.execute(sql`drop table if exists drizzle_mysql_types`)
    await Promise.all([stockPool.end(), sluice.$client.end()])
  })
  const types = mysqlTable('drizzle_mysql_types', {
    id: int().primaryKey(),
    at: datetime({ fsp: 3 }).notNull(),
    stamp: mysqlTimestamp({ fsp: 3 }).notNull(),
    day: mysqlDate().notNull(),
    dayText: mysqlDate('day_text', { mode: 'string' }).notNull(),
    amount: decimal({ precision: 12, scale: 2 }).notNull(),
    doc: mysqlJson().$type<{ tags: string[] }>().notNull(),
  })

  it('reads every type as the stock driver does, through builders and db.execute()', async () => {
    await stock.execute(sql`drop table if exists drizzle_mysql_types`)
    await stock.execute(sql`create table drizzle_mysql_types (id int primary key, at datetime(3) not null, stamp timestamp(3) not null,
      day date not null, day_text date not null, amount decimal(12, 2) not null, doc json not null)`)
    const row = {
      at: new Date('2024-02-29T23:59:58.123Z'),
      stamp: new Date('2024-03-01T01:02:03.456Z'),
      day: new Date('2024-03-01T00:00:00.000Z'),
      dayText: '2024-03-02',
      amount: '1234.50',
      doc: { tags: ['a', 'b'] },
    }
    await sluice.insert(types).values({ id: 1, ...row })
    await stock.insert(types).values({ id: 2, ...row })
    const viaSluice = await sluice.select().from(types).orderBy(types.id)
    expect(viaSluice).toEqual(await stock.select().from(types).orderBy(types.id))
    // (a `date` column in mode 'date' shifts by the process's time zone in Drizzle itself, stock or not)
    expect(viaSluice[0]).toMatchObject({ id: 1, at: row.at, stamp: row.stamp, dayText: row.dayText, amount: row.amount, doc: row.doc })
    const raw = sql`select at, stamp, day, amount from drizzle_mysql_types order by id`
    expect((await sluice.execute(raw))[0]).toEqual((await stock.execute(raw))[0])
  })
})
