import type { QueryResult, RunOptions } from '../../dialect.js'
import { leadingKeywords } from '../../sql/leading-keywords.js'
import type { SqliteStatement } from './better-sqlite3-driver-types.js'

const WRITE_VERBS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE'])

/** Runs a compiled statement and maps what better-sqlite3 answers to the engine's neutral shape. */
export function execute(stmt: SqliteStatement, sql: string, params: readonly unknown[], options: RunOptions): QueryResult {
  const verb = leadingKeywords(sql, 1)[0] ?? ''
  if (options.safeIntegers !== undefined) stmt.safeIntegers(options.safeIntegers)
  if (stmt.reader) {
    if (options.rowMode === 'array') stmt.raw(true)
    const rows = stmt.all(...params) as Array<Record<string, unknown>>
    const fields = stmt.columns().map(({ name }) => ({ name }))
    // `... RETURNING` returns one row per changed row
    return WRITE_VERBS.has(verb) ? { rows, fields, affectedRows: rows.length, raw: rows } : { rows, fields, raw: rows }
  }
  const info = stmt.run(...params)
  // SQLite keeps the previous rowid when nothing was inserted (INSERT OR IGNORE): report none then
  const inserted = (verb === 'INSERT' || verb === 'REPLACE') && info.changes > 0
  return { rows: [], affectedRows: info.changes, insertId: inserted ? info.lastInsertRowid : undefined, raw: info }
}
