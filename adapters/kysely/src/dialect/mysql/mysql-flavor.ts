import type { QueryResult as SluiceQueryResult } from '@sluice/core'
import type { QueryResult } from 'kysely'
import type { DatabaseFlavor } from '../../driver/database-flavor.js'

/** mysql2's OK packet (`ResultSetHeader`), the answer to a statement without a result set. */
interface OkPacket {
  readonly insertId?: number | string | null
  readonly affectedRows?: number | string | null
  readonly changedRows?: number | string | null
}

/**
 * MySQL and MariaDB as Kysely's stock `MysqlDriver` speaks them.
 *
 * @internal
 */
export const MYSQL_FLAVOR: DatabaseFlavor = {
  kind: 'mysql',

  beginStatements(settings) {
    const parts: string[] = []
    if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`)
    if (settings.accessMode) parts.push(settings.accessMode)
    // on MySQL, SET TRANSACTION applies to the next transaction only
    return parts.length === 0 ? ['begin'] : [`set transaction ${parts.join(', ')}`, 'begin']
  },

  releaseSavepoint: 'release savepoint',

  toKyselyResult<R>(result: SluiceQueryResult): QueryResult<R> {
    // the engine's `raw` is [result, fields], as mysql2 answers; `changedRows` is only there
    const answer = Array.isArray(result.raw) ? (result.raw as unknown[])[0] : undefined
    if (isOkPacket(answer)) {
      const { insertId, affectedRows, changedRows } = answer
      return {
        insertId: insertId !== undefined && insertId !== null && insertId.toString() !== '0' ? BigInt(insertId) : undefined,
        numAffectedRows: affectedRows !== undefined && affectedRows !== null ? BigInt(affectedRows) : undefined,
        numChangedRows: changedRows !== undefined && changedRows !== null ? BigInt(changedRows) : undefined,
        rows: [],
      }
    }
    return { rows: (Array.isArray(answer) ? answer : result.rows) as R[] }
  },
}

function isOkPacket(value: unknown): value is OkPacket {
  return typeof value === 'object' && value !== null && 'insertId' in value && 'affectedRows' in value
}
