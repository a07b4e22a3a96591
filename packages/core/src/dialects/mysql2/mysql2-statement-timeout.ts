import type { Mysql2Connection } from './mysql2-driver-types.js'

/** ER_UNKNOWN_SYSTEM_VARIABLE: the server is MySQL, which has no max_statement_time. */
const UNKNOWN_VARIABLE = 1193

/**
 * Sets the session's server-side statement timeout on a new connection:
 * MariaDB's `max_statement_time` (seconds, fractions allowed), or, on MySQL,
 * `max_execution_time` (ms, SELECT only). The value is a validated integer,
 * so it is written into the statement; SET takes no placeholders.
 */
export async function setStatementTimeout(run: (sql: string) => Promise<unknown>, timeoutMillis: number): Promise<void> {
  const millis = Math.trunc(timeoutMillis)
  try {
    await run(`SET SESSION max_statement_time = ${millis / 1000}`)
  } catch (error) {
    if ((error as { errno?: unknown }).errno !== UNKNOWN_VARIABLE) throw error
    await run(`SET SESSION max_execution_time = ${millis}`)
  }
}

/** `KILL QUERY` for the session `raw`, to run on another connection; undefined when mysql2 did not report the session's id. */
export function killQuerySql(raw: Mysql2Connection): string | undefined {
  const id = (raw as { threadId?: unknown }).threadId
  return typeof id === 'number' && Number.isSafeInteger(id) ? `KILL QUERY ${id}` : undefined
}
