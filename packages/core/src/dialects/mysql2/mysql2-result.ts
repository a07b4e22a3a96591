import type { QueryResult } from '../../dialect.js'
import type { Mysql2FieldPacket, Mysql2ResultSetHeader } from './mysql2-driver-types.js'
import type { Mysql2SessionState } from './mysql2-session-state.js'

/**
 * One mysql2 answer in the engine's neutral shape (what `run()` resolves
 * with), noting on the way what it says about the session's transaction.
 */
export function toQueryResult(result: unknown, fields: readonly unknown[] | undefined, session: Mysql2SessionState | undefined): QueryResult {
  // `raw` is what mysql2's promise API resolves to, which is what ORMs built on mysql2 expect
  const raw = [result, fields]
  // rows first: the answer most statements get
  if (Array.isArray(result)) {
    if (isMultiResult(fields)) return toMultiResult(result, fields, session, raw)
    session?.noteResultSet()
    return { rows: result as Array<Record<string, unknown>>, fields: fieldNames(fields), raw }
  }
  if (isResultSetHeader(result)) {
    session?.noteStatus(result.serverStatus)
    return { rows: [], affectedRows: Number(result.affectedRows), insertId: toInsertId(result.insertId), raw }
  }
  return { rows: [], raw }
}

/** A CALL answers with several results: its result sets, then an OK packet. The first result set is the rows. */
function toMultiResult(results: unknown[], fields: readonly unknown[], session: Mysql2SessionState | undefined, raw: unknown): QueryResult {
  const index = results.findIndex((part) => Array.isArray(part))
  const headers = results.filter(isResultSetHeader)
  const last = headers.at(-1)
  if (last) session?.noteStatus(last.serverStatus)
  if (index !== -1 && last === undefined) session?.noteResultSet()
  const rows = index === -1 ? [] : (results[index] as Array<Record<string, unknown>>)
  const base = { rows, raw, ...(index === -1 ? {} : { fields: fieldNames(fields[index] as readonly unknown[]) }) }
  return last ? { ...base, affectedRows: Number(last.affectedRows), insertId: toInsertId(last.insertId) } : base
}

function isMultiResult(fields: readonly unknown[] | undefined): fields is readonly unknown[] {
  return Array.isArray(fields) && fields.length > 0 && (fields[0] === undefined || Array.isArray(fields[0]))
}

function isResultSetHeader(value: unknown): value is Mysql2ResultSetHeader {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'affectedRows' in value
}

function fieldNames(fields: readonly unknown[] | undefined): ReadonlyArray<{ readonly name: string }> | undefined {
  if (fields === undefined) return undefined
  // a loop rather than map(): this runs for every result set
  const names: Array<{ readonly name: string }> = []
  for (const field of fields) names.push({ name: (field as Mysql2FieldPacket).name })
  return names
}

/** With `supportBigNumbers`, mysql2 gives ids past 2^53 as strings. */
function toInsertId(insertId: number | string): number | bigint {
  return typeof insertId === 'string' ? BigInt(insertId) : insertId
}
