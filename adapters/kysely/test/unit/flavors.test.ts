/**
 * Each database flavor reproduces what Kysely's stock driver makes of its
 * driver's answer, given the engine's result (whose `raw` is that answer).
 */
import { describe, expect, it } from 'vitest'
import { MYSQL_FLAVOR } from '../../src/dialect/mysql/mysql-flavor.js'
import { POSTGRES_FLAVOR } from '../../src/dialect/postgres/postgres-flavor.js'
import { SQLITE_FLAVOR } from '../../src/dialect/sqlite/sqlite-flavor.js'

describe('postgres', () => {
  it('reports affected rows for INSERT, UPDATE, DELETE and MERGE only', () => {
    expect(POSTGRES_FLAVOR.toKyselyResult({ rows: [], command: 'UPDATE', affectedRows: 3 })).toEqual({ rows: [], numAffectedRows: 3n })
    expect(POSTGRES_FLAVOR.toKyselyResult({ rows: [{ id: 1 }], command: 'INSERT', affectedRows: 1 })).toEqual({ rows: [{ id: 1 }], numAffectedRows: 1n })
    expect(POSTGRES_FLAVOR.toKyselyResult({ rows: [{ id: 1 }], command: 'SELECT' })).toStrictEqual({ rows: [{ id: 1 }], numAffectedRows: undefined })
    expect(POSTGRES_FLAVOR.toKyselyResult({ rows: [], command: 'COPY', affectedRows: 5 }).numAffectedRows).toBeUndefined()
  })

  it("answers COMMIT and ROLLBACK with their tag, which the driver reads to detect an aborted transaction", () => {
    expect(POSTGRES_FLAVOR.toKyselyResult({ rows: [], command: 'ROLLBACK' })).toStrictEqual({ rows: [{ command: 'ROLLBACK' }] })
  })

  it('opens transactions as the stock driver does', () => {
    expect(POSTGRES_FLAVOR.beginStatements({})).toEqual(['begin'])
    expect(POSTGRES_FLAVOR.beginStatements({ isolationLevel: 'repeatable read', accessMode: 'read only' })).toEqual([
      'start transaction isolation level repeatable read read only',
    ])
    expect(POSTGRES_FLAVOR.beginStatements({ accessMode: 'read write' })).toEqual(['start transaction read write'])
  })
})

describe('mysql', () => {
  const ok = (header: object) => ({ rows: [], affectedRows: 1, raw: [header, undefined] })

  it("maps the OK packet as the stock driver does, changedRows and a zero insertId included", () => {
    expect(MYSQL_FLAVOR.toKyselyResult(ok({ insertId: 7, affectedRows: 1, changedRows: 0 }))).toStrictEqual({
      insertId: 7n,
      numAffectedRows: 1n,
      numChangedRows: 0n,
      rows: [],
    })
    expect(MYSQL_FLAVOR.toKyselyResult(ok({ insertId: 0, affectedRows: 4, changedRows: 2 }))).toMatchObject({ insertId: undefined, numAffectedRows: 4n, numChangedRows: 2n })
    // with supportBigNumbers, ids past 2^53 arrive as strings
    expect(MYSQL_FLAVOR.toKyselyResult(ok({ insertId: '9007199254740993', affectedRows: 1 })).insertId).toBe(9007199254740993n)
  })

  it('returns the rows of a result set', () => {
    const rows = [{ id: 1 }, { id: 2 }]
    expect(MYSQL_FLAVOR.toKyselyResult({ rows, raw: [rows, [{ name: 'id' }]] })).toStrictEqual({ rows })
  })

  it('sets the isolation level of the next transaction, then begins it', () => {
    expect(MYSQL_FLAVOR.beginStatements({})).toEqual(['begin'])
    expect(MYSQL_FLAVOR.beginStatements({ isolationLevel: 'serializable', accessMode: 'read only' })).toEqual([
      'set transaction isolation level serializable, read only',
      'begin',
    ])
    expect(MYSQL_FLAVOR.releaseSavepoint).toBe('release savepoint')
  })
})

describe('sqlite', () => {
  it("reports changes and the last rowid after a write, as the stock driver does", () => {
    expect(SQLITE_FLAVOR.toKyselyResult({ rows: [], affectedRows: 2, raw: { changes: 2, lastInsertRowid: 11 } })).toStrictEqual({
      numAffectedRows: 2n,
      insertId: 11n,
      rows: [],
    })
  })

  it('returns only the rows of a statement that has rows, RETURNING included', () => {
    const rows = [{ id: 1 }]
    expect(SQLITE_FLAVOR.toKyselyResult({ rows, affectedRows: 1, raw: rows })).toStrictEqual({ rows })
  })

  it('begins with a plain begin, ignoring settings SQLite lacks', () => {
    expect(SQLITE_FLAVOR.beginStatements({ isolationLevel: 'serializable' })).toEqual(['begin'])
  })
})
