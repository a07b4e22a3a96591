import mysql2 from 'mysql2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mysql2Dialect } from '../../../src/dialects/mysql2/index.js'
import type { Mysql2Connection } from '../../../src/dialects/mysql2/mysql2-driver-types.js'
import { MYSQL_URL } from '../../support/databases.js'

const TABLE = 'mytext_types'

/** Connection options that change how mysql2 parses rows, taken by the dialect and the stock driver alike. */
interface RowOptions {
  readonly supportBigNumbers?: boolean
  readonly bigNumberStrings?: boolean
  readonly dateStrings?: boolean
  readonly timezone?: string
}

/** Every column type the server has a distinct wire format for, with a NULL row beside each value. */
const COLUMNS = [
  'ti TINYINT', 'si SMALLINT', 'mi MEDIUMINT', 'i INT', 'bi BIGINT', 'ubi BIGINT UNSIGNED',
  'f FLOAT', 'd DOUBLE', 'n DECIMAL(30,10)', 'dt DATE', 'dtm DATETIME(3)', 'ts TIMESTAMP(6) NULL', 'tm TIME(2)', 'y YEAR',
  'c CHAR(3)', 'vc VARCHAR(20)', 'tx TEXT', 'bl BLOB', 'vb VARBINARY(8)', 'bt BIT(10)', 'js JSON', 'en ENUM(\'a\',\'b\')', 'st SET(\'x\',\'y\')',
]
const VALUES =
  "(1, -128, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615, 1.1, 2.2, '12345678901234567890.0123456789', '2024-02-29', " +
  "'2024-01-02 03:04:05.678', '2024-01-02 03:04:05.123456', '-838:59:59.99', 2155, 'ab', 'héllo ☃', 'long text', x'00ff10', x'beef', b'1010101010', " +
  "'{\"a\":[1,2.5,null]}', 'b', 'x,y')"

/** Parameters of every kind mysql2's text protocol escapes. */
const PARAMS: ReadonlyArray<readonly [string, unknown]> = [
  ['an integer', 42],
  ['a fraction', 1.5],
  ['a bigint', 9007199254740993n],
  ['a string with quotes', "it's \\ \"quoted\""],
  ['a Date', new Date('2024-01-02T03:04:05.678Z')],
  ['a Buffer', Buffer.from([0, 255, 39])],
  ['null', null],
  ['undefined', undefined],
  ['a boolean', true],
]

/**
 * The dialect's common statement goes to mysql2's positional `query(sql,
 * values, callback)`, which is cheaper than the options-object form the
 * dialect used before. These compare it with the stock driver's object form
 * on the same server: rows, field names and the raw answer must be equal for
 * every column type and parameter kind, and under the connection options
 * that change how rows are parsed.
 */
describe.each<[string, RowOptions]>([
  ['default options', {}],
  ['supportBigNumbers, bigNumberStrings, dateStrings', { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true }],
  ['a timezone', { timezone: '+05:30' }],
])('mysql2 dialect, text path with %s: answers as mysql2 query() does', (_name, options) => {
  const dialect = new Mysql2Dialect({ connectionString: MYSQL_URL, ...options })
  let raw: Mysql2Connection
  let stock: mysql2.Connection

  const stockQuery = (sql: string, values: unknown[] | undefined, rowsAsArray = false): Promise<[unknown, unknown]> =>
    new Promise((resolve, reject) => {
      stock.query({ sql, values, rowsAsArray }, (error, result, fields) => (error ? reject(error) : resolve([result, fields])))
    })
  const names = (fields: unknown): unknown => (fields as Array<{ name: string }> | undefined)?.map((field) => field.name)

  beforeAll(async () => {
    raw = await dialect.connect()
    stock = mysql2.createConnection({ uri: MYSQL_URL, ...options })
    await dialect.run(raw, `CREATE TABLE IF NOT EXISTS ${TABLE} (id INT PRIMARY KEY, ${COLUMNS.join(', ')})`, undefined, {})
    await dialect.run(raw, `INSERT IGNORE INTO ${TABLE} VALUES ${VALUES}, (2${', NULL'.repeat(COLUMNS.length)})`, undefined, {})
  })

  afterAll(async () => {
    await dialect.run(raw, `DROP TABLE IF EXISTS ${TABLE}`, undefined, {})
    await dialect.close(raw)
    await new Promise<void>((resolve) => stock.end(() => resolve()))
  })

  it('on every column type, as objects and as arrays', async () => {
    const sql = `SELECT * FROM ${TABLE} ORDER BY id`
    const [rows, fields] = await stockQuery(sql, undefined)
    const ours = await dialect.run(raw, sql, undefined, {})
    expect(ours.rows).toEqual(rows)
    expect((ours.rows as unknown[]).length).toBe(2)
    expect(ours.fields?.map((field) => field.name)).toEqual(names(fields))
    expect(names((ours.raw as unknown[])[1])).toEqual(names(fields))

    const [arrays] = await stockQuery(sql, undefined, true)
    expect((await dialect.run(raw, sql, undefined, { rowMode: 'array' })).rows).toEqual(arrays)
  })

  it.each(PARAMS)('on %s as a parameter, read back and matched', async (_kind, value) => {
    const readBack = 'SELECT ? AS v, ? IS NULL AS is_null'
    expect((await dialect.run(raw, readBack, [value, value], {})).rows).toEqual((await stockQuery(readBack, [value, value]))[0])
    const matched = `SELECT id FROM ${TABLE} WHERE ? IN (i, vc, bl) OR id = ?`
    expect((await dialect.run(raw, matched, [value, 1], {})).rows).toEqual((await stockQuery(matched, [value, 1]))[0])
  })

  it('on an array parameter, expanded for IN (?)', async () => {
    const sql = `SELECT id FROM ${TABLE} WHERE id IN (?) ORDER BY id`
    const ours = await dialect.run(raw, sql, [[1, 2, 3]], {})
    expect(ours.rows).toEqual((await stockQuery(sql, [[1, 2, 3]]))[0])
    expect(ours.rows).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('on a write: the same OK packet figures', async () => {
    const sql = `UPDATE ${TABLE} SET vc = vc WHERE id = ?`
    const ours = await dialect.run(raw, sql, [1], {})
    const [header] = await stockQuery(sql, [1])
    expect((ours.raw as unknown[])[0]).toMatchObject({ affectedRows: (header as { affectedRows: number }).affectedRows })
    expect(ours.affectedRows).toBe(1)
  })
})
