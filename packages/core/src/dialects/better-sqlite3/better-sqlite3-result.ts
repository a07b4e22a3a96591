import type { QueryResult, RunOptions } from '../../dialect.js'
import type { SqlitePrepared } from './better-sqlite3-prepared.js'

/**
 * Runs a compiled statement and maps what better-sqlite3 answers to the
 * engine's neutral shape. `withFields` false leaves out `fields` (the
 * caller drops them: `query()`), which saves reading the columns.
 */
export function execute(prepared: SqlitePrepared, params: readonly unknown[], options: RunOptions, withFields = true): QueryResult {
  const { stmt } = prepared
  if (options.safeIntegers !== undefined) stmt.safeIntegers(options.safeIntegers)
  if (stmt.reader) {
    const rawRows = options.rowMode === 'array'
    // only readers have row modes, and only this dialect sets them on its statements
    if (prepared.rawRows !== rawRows) {
      stmt.raw(rawRows)
      prepared.rawRows = rawRows
    }
    const rows = stmt.all(...params) as Array<Record<string, unknown>>
    // read after the run: a statement SQLite recompiled for a new schema reports its new columns
    const fields = withFields ? stmt.columns().map(({ name }) => ({ name })) : undefined
    // `... RETURNING` returns one row per changed row
    if (prepared.writes) return fields === undefined ? { rows, affectedRows: rows.length, raw: rows } : { rows, fields, affectedRows: rows.length, raw: rows }
    return fields === undefined ? { rows, raw: rows } : { rows, fields, raw: rows }
  }
  const info = stmt.run(...params)
  // SQLite keeps the previous rowid when nothing was inserted (INSERT OR IGNORE): report none then
  const inserted = prepared.inserts && info.changes > 0
  return { rows: [], affectedRows: info.changes, insertId: inserted ? info.lastInsertRowid : undefined, raw: info }
}
