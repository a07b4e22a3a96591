import type { QueryResult, RunOptions } from '../dialect.js'
import type { PoolEntry } from './pool-entry.js'
import { noteStatementError, noteStatementSuccess, type StatementHost } from './run-statement.js'

/**
 * The statement rule of `runStatement` for a dialect that can run a
 * statement synchronously (`Dialect.runNow`): the same counts, breaker
 * outcome and transaction tracking, without a promise. Returns undefined,
 * having run and counted nothing, when the dialect must wait (the caller
 * then takes `runStatement`); throws the statement's error. A statement
 * that runs to its end synchronously cannot outlive a timeout, so none is
 * armed. Only for an entry with no command running or queued (`!busy`), so
 * that it never overtakes one.
 */
export function runStatementNow(
  host: StatementHost,
  entry: PoolEntry,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  withFields: boolean,
): QueryResult | undefined {
  const started = host.clock.now()
  let result: QueryResult | undefined
  try {
    result = host.dialect.runNow!(entry.raw, sql, params, options, withFields)
  } catch (error) {
    noteStatementError(host, entry, sql, started, error)
    throw error
  }
  // nothing ran: nothing to count
  if (result === undefined) return undefined
  noteStatementSuccess(host, entry, sql, started)
  return result
}
