import { leadingKeywords } from '../../sql/leading-keywords.js'
import { transactionEffect } from '../../sql/transaction-effect.js'
import type { SqliteDatabase, SqliteStatement } from './better-sqlite3-driver-types.js'

const WRITE_VERBS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE'])

/**
 * A compiled statement and what its text says, worked out once when it is
 * compiled rather than on every run: none of it can change while the text
 * stays the same (a schema change recompiles the statement inside SQLite,
 * but a SELECT stays a reader, an INSERT an INSERT). What can change with
 * the schema, the result's columns, is not kept here.
 *
 * @internal
 */
export interface SqlitePrepared {
  readonly stmt: SqliteStatement
  /** INSERT, UPDATE, DELETE or REPLACE: a reader among them is `... RETURNING`, one row per changed row. */
  readonly writes: boolean
  /** INSERT or REPLACE: the statement may report the rowid it inserted. */
  readonly inserts: boolean
  /** BEGIN, or a SAVEPOINT (which opens a transaction outside one): SQLite calls both read-only, yet a transaction may write later. */
  readonly opensTransaction: boolean
  /** Whether its rows are arrays now (`raw(true)`): the driver keeps the mode from one run to the next. */
  rawRows: boolean
}

/** Compiles `sql` on `db` (throws as `db.prepare()` does) and reads what its text says. */
export function prepareSqlite(db: SqliteDatabase, sql: string): SqlitePrepared {
  const stmt = db.prepare(sql)
  const verb = leadingKeywords(sql, 1)[0] ?? ''
  return {
    stmt,
    writes: WRITE_VERBS.has(verb),
    inserts: verb === 'INSERT' || verb === 'REPLACE',
    // a SAVEPOINT outside a transaction opens one
    opensTransaction: verb === 'SAVEPOINT' || transactionEffect(sql) === 'begin',
    rawRows: false,
  }
}
