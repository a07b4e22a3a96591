import { FETCH_MANY_SIZE } from '../config/defaults.js'
import type { QueryResult } from '../dialect.js'
import type { QueryOptions, WriteResult } from './pool-connection.js'

/** What `query()` returns for each fetch mode, from a full result. */
export function shapeRows<R>(result: QueryResult<R>, options: QueryOptions | undefined): R[] | R | undefined | WriteResult {
  switch (options?.fetch ?? 'all') {
    case 'all':
      return result.rows
    case 'one':
      return result.rows[0]
    case 'many':
      return result.rows.slice(0, options?.size ?? FETCH_MANY_SIZE)
    case 'none':
      return result.insertId === undefined
        ? { affectedRows: result.affectedRows ?? 0 }
        : { affectedRows: result.affectedRows ?? 0, insertId: result.insertId }
  }
}
