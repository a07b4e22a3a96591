import type { QueryResult as SluiceQueryResult } from '@sluice/core'
import type { QueryResult } from 'kysely'
import type { DatabaseFlavor } from '../../driver/database-flavor.js'

/** Command tags whose row count Kysely reports as `numAffectedRows` (as its stock driver). */
const AFFECTING_COMMANDS: ReadonlySet<string> = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

/**
 * PostgreSQL as Kysely's stock `PostgresDriver` speaks it.
 *
 * @internal
 */
export const POSTGRES_FLAVOR: DatabaseFlavor = {
  kind: 'postgres',

  beginStatements(settings) {
    if (!settings.isolationLevel && !settings.accessMode) return ['begin']
    let sql = 'start transaction'
    if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`
    if (settings.accessMode) sql += ` ${settings.accessMode}`
    return [sql]
  },

  releaseSavepoint: 'release',

  toKyselyResult<R>(result: SluiceQueryResult): QueryResult<R> {
    const { command } = result
    // the driver reads COMMIT's tag: ROLLBACK means the server rolled the transaction back
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command } as R] }
    return {
      numAffectedRows: command !== undefined && AFFECTING_COMMANDS.has(command) ? BigInt(result.affectedRows ?? 0) : undefined,
      rows: result.rows as R[],
    }
  },
}
