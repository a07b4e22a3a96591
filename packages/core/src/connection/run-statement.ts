import type { Dialect, QueryResult, RunOptions } from '../dialect.js'
import { QueryTimeoutError } from '../errors/query-timeout-error.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { Clock } from '../util/clock.js'
import { withTimeout } from '../util/with-timeout.js'
import type { PoolEntry } from './pool-entry.js'

/** What the statement rule needs of the pool a connection belongs to. */
export interface StatementHost {
  readonly dialect: Dialect<any>
  readonly clock: Clock
  readonly counters: PoolCounters
}

/** `run`: one statement after those before it; `pipelined`: sent while others are still in flight (implicit pipelining). */
export type RunMode = 'run' | 'pipelined'

/**
 * The one rule every statement on a pooled connection follows, whoever sends
 * it (a lease, the implicit pipeliner): it runs under its timeout, its time
 * and any error are counted in the pool's stats, a fatal error or a timeout
 * marks the connection broken (it is closed when given back; a timed-out
 * statement may still be running there), and BEGIN/COMMIT/ROLLBACK are
 * tracked for drivers that cannot tell the transaction state themselves.
 * A user's SQL error changes nothing but the error count.
 */
export async function runStatement(
  host: StatementHost,
  entry: PoolEntry,
  mode: RunMode,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  timeoutMillis: number,
): Promise<QueryResult> {
  const { dialect, clock, counters } = host
  const started = clock.now()
  try {
    const running = mode === 'run' ? dialect.run(entry.raw, sql, params, options) : dialect.runPipelined!(entry.raw, sql, params, options)
    const result = timeoutMillis > 0 ? await withStatementTimeout(running, timeoutMillis, clock, entry.id) : await running
    counters.queryTime.record(clock.now() - started)
    trackTransaction(entry, sql, true)
    return result
  } catch (error) {
    counters.queryTime.record(clock.now() - started)
    if (!noteStatementFailure(host, entry, error)) trackTransaction(entry, sql, false)
    throw error
  }
}

/** Rejects with a `QueryTimeoutError` naming the connection once `timeoutMillis` pass; the caller waits on it. */
export function withStatementTimeout<T>(running: Promise<T>, timeoutMillis: number, clock: Clock, connectionId: string): Promise<T> {
  return withTimeout(running, timeoutMillis, clock, 'awaited', () => new QueryTimeoutError(connectionId, timeoutMillis))
}

/**
 * Counts a failed statement and, when the connection cannot be trusted after
 * it (a fatal error, or a timeout with the statement maybe still running),
 * marks it broken. Returns whether it did.
 */
export function noteStatementFailure(host: StatementHost, entry: PoolEntry, error: unknown): boolean {
  host.counters.queryErrors++
  if (!(error instanceof QueryTimeoutError) && !host.dialect.isFatal(error)) return false
  entry.markBroken(error instanceof Error ? error : new Error(String(error)))
  return true
}

function trackTransaction(entry: PoolEntry, sql: string, succeeded: boolean): void {
  const effect = transactionEffect(sql)
  if (effect === 'begin' && succeeded) entry.transactionByKeywords = true
  // a failed COMMIT still ends the transaction (PostgreSQL rolls it back)
  else if (effect === 'end') entry.transactionByKeywords = false
}
