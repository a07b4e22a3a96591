import type { Dialect, QueryResult, RunOptions } from '../dialect.js'
import { QueryTimeoutError } from '../errors/query-timeout-error.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { Clock } from '../util/clock.js'
import type { CircuitBreaker } from '../resilience/circuit-breaker.js'
import { withTimeout } from '../util/with-timeout.js'
import { cancelAfterTimeout } from './cancel-after-timeout.js'
import type { PoolEntry } from './pool-entry.js'

/** What the statement rule needs of the pool a connection belongs to. */
export interface StatementHost {
  readonly dialect: Dialect<any>
  readonly clock: Clock
  readonly counters: PoolCounters
  /** The node's circuit breaker, told of every statement's outcome; undefined when it is off. */
  readonly breaker?: CircuitBreaker | undefined
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
 * A user's SQL error changes nothing but the error count. The node's
 * breaker counts the outcome (a transport failure, or an answer). A plain
 * statement that timed out is cancelled on the server where the dialect can
 * (the connection is kept if it then ends). `cancellable` says, at the
 * timeout, whether a cancel could only reach this statement (the implicit
 * pipeliner's answer is no once others were queued behind it on the
 * connection): when not, the connection is marked broken instead.
 */
export async function runStatement(
  host: StatementHost,
  entry: PoolEntry,
  mode: RunMode,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  timeoutMillis: number,
  cancellable: () => boolean = always,
): Promise<QueryResult> {
  const { dialect, clock } = host
  const started = clock.now()
  let running: Promise<QueryResult> | undefined
  try {
    running = mode === 'run' ? dialect.run(entry.raw, sql, params, options) : dialect.runPipelined!(entry.raw, sql, params, options)
    const result = timeoutMillis > 0 ? await withStatementTimeout(running, timeoutMillis, clock, entry.id) : await running
    noteStatementSuccess(host, entry, sql, started)
    return result
  } catch (error) {
    // a pipelined statement is not cancelled: the cancel could stop another one in flight on the connection
    noteStatementError(host, entry, sql, started, error, mode === 'run' && cancellable() ? running : undefined)
    throw error
  }
}

/** The rule's bookkeeping for a statement that answered (`runStatement`, `runStatementNow`): time, breaker, transaction state. */
export function noteStatementSuccess(host: StatementHost, entry: PoolEntry, sql: string, started: number): void {
  // the one clock reading serves the timing and the breaker's window
  const ended = host.clock.now()
  host.counters.recordStatement(sql, ended - started, ended, false)
  host.breaker?.recordSuccess(ended)
  trackTransaction(entry, sql, true)
}

/** The rule's bookkeeping for a statement that failed with `error`; `running` is cancelled on a timeout where the dialect can. */
export function noteStatementError(host: StatementHost, entry: PoolEntry, sql: string, started: number, error: unknown, running?: Promise<unknown>): void {
  const ended = host.clock.now()
  host.counters.recordStatement(sql, ended - started, ended, true)
  if (!noteStatementFailure(host, entry, error, ended, running)) trackTransaction(entry, sql, false)
}

/** Rejects with a `QueryTimeoutError` naming the connection once `timeoutMillis` pass; the caller waits on it. */
export function withStatementTimeout<T>(running: Promise<T>, timeoutMillis: number, clock: Clock, connectionId: string): Promise<T> {
  return withTimeout(running, timeoutMillis, clock, 'awaited', () => new QueryTimeoutError(connectionId, timeoutMillis))
}

/**
 * Counts a failed statement and tells the breaker. When the connection
 * cannot be trusted after it (a fatal error, or a timeout with the statement
 * maybe still running) it marks it broken, or, for a timed-out `running`
 * statement the dialect can cancel, cancels it and keeps the connection busy
 * until that is settled. Returns whether the failure was the transport's
 * (not the statement's own).
 */
export function noteStatementFailure(host: StatementHost, entry: PoolEntry, error: unknown, now = host.clock.now(), running?: Promise<unknown>): boolean {
  const { counters } = host
  counters.queryErrors++
  const timedOut = error instanceof QueryTimeoutError
  if (!timedOut && !host.dialect.isFatal(error)) {
    // the node answered: a user's SQL error says nothing against it
    counters.queryErrorsByClass.sql++
    host.breaker?.recordSuccess(now)
    return false
  }
  counters.queryErrorsByClass[timedOut ? 'timeout' : 'transport']++
  const failure = error instanceof Error ? error : new Error(String(error))
  // one lost connection is one failure, however many statements were in flight on it (implicit pipelining)
  if (entry.brokenBy === undefined) host.breaker?.recordFailure(failure, now)
  if (timedOut && running !== undefined && host.dialect.cancel) cancelAfterTimeout(host, entry, running)
  else entry.markBroken(failure)
  return true
}

function always(): boolean {
  return true
}

/** Follows BEGIN, COMMIT and ROLLBACK in the text, for drivers that cannot report the transaction state. */
function trackTransaction(entry: PoolEntry, sql: string, succeeded: boolean): void {
  const effect = transactionEffect(sql)
  if (effect === 'begin' && succeeded) entry.transactionByKeywords = true
  // a failed COMMIT still ends the transaction (PostgreSQL rolls it back)
  else if (effect === 'end') entry.transactionByKeywords = false
}
