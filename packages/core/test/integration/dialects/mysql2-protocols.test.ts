import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mysql2Dialect } from '../../../src/dialects/mysql2/index.js'
import type { Mysql2Connection } from '../../../src/dialects/mysql2/mysql2-driver-types.js'
import { MYSQL_URL } from '../../support/databases.js'

const TABLE = 'myproto_types'
const WIDE = 'myproto_wide'

/**
 * Why the mysql dialect keeps `prepare: 'explicit'` (text protocol) as its
 * default although the binary protocol is a little faster on parameterized
 * statements: for the same statement and parameters it returns different
 * values. Should these ever agree (a mysql2 release, a dialect option that
 * maps them), the default can change; until then these tests pin the reason.
 */
describe('mysql dialect: text vs binary protocol on the same statements', () => {
  const text = new Mysql2Dialect({ connectionString: MYSQL_URL, prepare: 'explicit' })
  const binary = new Mysql2Dialect({ connectionString: MYSQL_URL, prepare: 'parameterized' })
  let onText: Mysql2Connection
  let onBinary: Mysql2Connection

  beforeAll(async () => {
    onText = await text.connect()
    onBinary = await binary.connect()
    await text.run(onText, `DROP TABLE IF EXISTS ${TABLE}`, undefined, {})
    await text.run(onText, `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, f FLOAT, d DOUBLE, n DECIMAL(10,3), dt DATETIME(3), vc VARCHAR(20), js JSON)`, undefined, {})
    await text.run(onText, `INSERT INTO ${TABLE} VALUES (1, 1.1, 2.2, 3.333, '2024-01-02 03:04:05.678', 'hello', '{"a":1}')`, undefined, {})
    await text.run(onText, `DROP TABLE IF EXISTS ${WIDE}`, undefined, {})
    await text.run(onText, `CREATE TABLE ${WIDE} (id BIGINT PRIMARY KEY, exact DECIMAL(30,20))`, undefined, {})
    await text.run(onText, `INSERT INTO ${WIDE} VALUES (9007199254740992, 0.1), (9007199254740993, 0.12345678901234567890)`, undefined, {})
  })

  afterAll(async () => {
    await text.run(onText, `DROP TABLE IF EXISTS ${TABLE}`, undefined, {})
    await text.run(onText, `DROP TABLE IF EXISTS ${WIDE}`, undefined, {})
    await Promise.all([text.close(onText), binary.close(onBinary)])
  })

  const both = async (sql: string, params: unknown[]): Promise<[unknown, unknown]> => [
    (await text.run(onText, sql, params, {})).rows[0],
    (await binary.run(onBinary, sql, params, {})).rows[0],
  ]

  it('agrees on integers, doubles, decimals, dates, strings and JSON columns', async () => {
    const [t, b] = await both(`SELECT id, d, n, dt, vc, js FROM ${TABLE} WHERE id = ?`, [1])
    expect(b).toEqual(t)
    expect(t).toMatchObject({ id: 1, d: 2.2, n: '3.333', vc: 'hello', js: { a: 1 } })
    expect((t as { dt: unknown }).dt).toBeInstanceOf(Date)
  })

  it('differs on a FLOAT column: the binary protocol hands over the single-precision value', async () => {
    const [t, b] = await both(`SELECT f FROM ${TABLE} WHERE id = ?`, [1])
    expect(t).toEqual({ f: 1.1 })
    expect(b).not.toEqual(t)
    expect((b as { f: number }).f).toBeCloseTo(1.1, 6)
  })

  it('differs on parameters read back: a fractional number, a bigint and a Date come back as other types', async () => {
    const [t, b] = await both('SELECT ? AS f, ? AS big, ? AS at', [1.5, 9007199254740993n, new Date('2024-01-02T03:04:05.678Z')])
    expect(typeof (t as Record<string, unknown>).f).toBe('string')
    expect(typeof (b as Record<string, unknown>).f).toBe('number')
    expect(typeof (t as Record<string, unknown>).big).toBe('number')
    expect(typeof (b as Record<string, unknown>).big).toBe('string')
    expect(typeof (t as Record<string, unknown>).at).toBe('string')
    expect((b as Record<string, unknown>).at).toBeInstanceOf(Date)
  })

  // mysql2 binds every JavaScript number as a DOUBLE on the binary protocol,
  // where the text protocol writes a literal the server reads as an integer
  // or an exact decimal. No column metadata from COM_STMT_PREPARE shows the
  // first difference (it is in which rows match), so no rule by statement
  // shape can make parameterized statements safe to switch.
  it('differs on which rows a fractional parameter selects against a DECIMAL column', async () => {
    const sql = `SELECT CAST(id AS CHAR) AS id FROM ${WIDE} WHERE exact = ?`
    const onTextRows = (await text.run(onText, sql, [0.12345678901234568], {})).rows
    const onBinaryRows = (await binary.run(onBinary, sql, [0.12345678901234568], {})).rows
    expect(onTextRows).toEqual([])
    expect(onBinaryRows).toEqual([{ id: '9007199254740993' }])
  })

  it('differs on arithmetic with an integer parameter: an exact decimal string by text, a double by binary', async () => {
    const [t, b] = await both('SELECT ? / 3 AS third', [1])
    expect(t).toEqual({ third: '0.3333' })
    expect(b).toEqual({ third: 1 / 3 })
  })

  it('agrees on an integer parameter matched against a BIGINT column past 2^53', async () => {
    const [t, b] = await both(`SELECT CAST(id AS CHAR) AS id FROM ${WIDE} WHERE id = ?`, [9007199254740992])
    expect(t).toEqual({ id: '9007199254740992' })
    expect(b).toEqual(t)
  })
})
