import type { NewConnection, QueryResult } from '@sluice/core'

/** The driver's callback-style `query(sql, callback)`, which Knex's own per-connection code calls. */
export interface CallbackConnection {
  query(sql: string, callback: (error: unknown, ...answer: unknown[]) => void): void
}

/**
 * A driver-shaped `{ query(sql, callback) }` over a new connection, so that
 * Knex's own per-connection code (`checkVersion`, `setSchemaSearchPath`) runs
 * unchanged and its statements still go through the dialect. `answer` gives
 * the callback's arguments as the driver would (pg: the Result; mysql2: rows
 * and fields).
 */
export function callbackConnection(connection: NewConnection, answer: (result: QueryResult) => unknown[]): CallbackConnection {
  return {
    query(sql, callback) {
      connection.execute(sql).then(
        (result) => callback(null, ...answer(result)),
        (error: unknown) => callback(error),
      )
    },
  }
}
