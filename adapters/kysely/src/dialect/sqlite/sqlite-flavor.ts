import type { QueryResult as SluiceQueryResult } from '@sluice/core'
import type { QueryResult } from 'kysely'
import type { DatabaseFlavor } from '../../driver/database-flavor.js'

/** better-sqlite3's answer to `Statement.run()`. */
interface RunResult {
  readonly changes: number | bigint
  readonly lastInsertRowid: number | bigint
}

/**
 * SQLite as Kysely's stock `SqliteDriver` speaks it.
 *
 * @internal
 */
export const SQLITE_FLAVOR: DatabaseFlavor = {
  kind: 'sqlite',

  // the stock driver sends a plain `begin` and ignores isolation level and access mode, which SQLite lacks;
  // the engine's write lock already makes a transaction wait for the other connections' writers
  beginStatements: () => ['begin'],

  releaseSavepoint: 'release',

  toKyselyResult<R>(result: SluiceQueryResult): QueryResult<R> {
    // the engine's `raw` is better-sqlite3's run() result for a statement without rows, the rows otherwise
    const info = result.raw
    if (!isRunResult(info)) return { rows: result.rows as R[] }
    // as the stock driver: `lastInsertRowid` is reported after any write, not only INSERT
    return { numAffectedRows: BigInt(info.changes), insertId: BigInt(info.lastInsertRowid), rows: [] }
  },
}

function isRunResult(value: unknown): value is RunResult {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'changes' in value && 'lastInsertRowid' in value
}
