import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import type { SqliteDatabaseConstructor } from './better-sqlite3-driver-types.js'

// the driver's own message for a closed handle; reused for a lock wait cut short by close()
export const NOT_OPEN = 'The database connection is not open'
// errors after which the handle (or its file) cannot be trusted: a fresh handle either
// recovers or fails at connect. SQLITE_FULL, SQLITE_BUSY and constraint errors leave the handle sound.
const FATAL_CODE = /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|READONLY_DBMOVED)/

/** True when `error` means the better-sqlite3 handle it came from can no longer be used. */
export function isSqliteFatalError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  return (typeof code === 'string' && FATAL_CODE.test(code)) || error.message === NOT_OPEN
}

/**
 * Why opening a SQLite database can never succeed as configured, or
 * `'transient'`: a file that cannot be opened or created (missing
 * directory, `fileMustExist` on a missing file, no permission) or that is
 * not a database. SQLITE_BUSY and the like are transient.
 */
export function classifySqliteConnectError(error: unknown): PermanentConnectReason | 'transient' {
  if (!(error instanceof Error)) return 'transient'
  const code = (error as { code?: unknown }).code
  if (code === 'SQLITE_NOTADB') return 'configuration'
  if (code === 'SQLITE_CANTOPEN' || /directory does not exist|unable to open database file/i.test(error.message)) return 'unknown-database'
  return 'transient'
}

/**
 * The error of a write that waited `waitedMillis` for another connection of
 * this process to give the file's write lock back: what the driver throws
 * when SQLite's own `busy_timeout` runs out (code `SQLITE_BUSY`, the driver's
 * `SqliteError` class when it has one), so that apps handle both alike.
 */
export function sqliteBusyError(driver: SqliteDatabaseConstructor | undefined, waitedMillis: number): Error {
  const message = `database is locked: another connection of this process held the write lock for ${waitedMillis}ms (busyTimeoutMillis); a transaction that waits for another transaction of the same app never gets it`
  const SqliteError = driver?.SqliteError
  if (SqliteError !== undefined) return new SqliteError(message, 'SQLITE_BUSY')
  return Object.assign(new Error(message), { code: 'SQLITE_BUSY' })
}
