import { DriverMissingError } from '../errors/driver-missing-error.js'

/**
 * Imports an optional peer dependency (a database driver) the first time a
 * dialect needs it, with an error that says what to install when it is
 * missing. Drivers are never bundled and never imported at module load, so a
 * SQLite-only app does not need `pg` installed.
 */
export async function loadDriver<T>(packageName: 'pg' | 'mysql2' | 'better-sqlite3', dialect: string): Promise<T> {
  try {
    const mod = (await import(packageName)) as { default?: T }
    return (mod.default ?? mod) as T
  } catch (error) {
    throw new DriverMissingError(packageName, dialect, error)
  }
}
