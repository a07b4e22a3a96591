import type { QueryResult, RunOptions } from '../dialect.js'
import type { PoolEntry } from './pool-entry.js'
import { noteStatementFailure, trackTransaction, type StatementHost } from './run-statement.js'

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
  const { dialect, clock, counters } = host
  const started = clock.now()
  let result: QueryResult | undefined
  try {
    result = dialect.runNow!(entry.raw, sql, params, options, withFields)
  } catch (error) {
    const ended = clock.now()
    counters.recordStatement(sql, ended - started, ended, true)
    if (!noteStatementFailure(host, entry, error, ended)) trackTransaction(entry, sql, false)
    throw error
  }
  if (result === undefined) return undefined
  const ended = clock.now()
  counters.recordStatement(sql, ended - started, ended, false)
  host.breaker?.recordSuccess(ended)
  trackTransaction(entry, sql, true)
  return result
}
