import type { Lease } from '../connection/lease.js'
import { noteStatementFailure, withStatementTimeout } from '../connection/run-statement.js'
import type { BatchMode, BatchOutcome, BatchStatement, Dialect } from '../dialect.js'
import { runOneByOne, singleUnits } from '../dialects/run-one-by-one.js'
import type { PipelineHost } from './pipeline-host.js'

/**
 * Runs one batch on a borrowed connection, through its actor like any other
 * command: the dialect's `runBatch` where it has one, statement by statement
 * otherwise. Each statement follows the statement rule (see `runStatement`):
 * counted in the pool's stats, the connection marked broken after a fatal
 * error or a timeout (the pool closes it when it is given back). Never
 * rejects: a failure of the whole batch becomes every statement's error.
 *
 * @internal
 */
export async function runBatchOn(host: PipelineHost, lease: Lease, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
  const { dialect, clock, counters, queryTimeoutMillis } = host
  const started = clock.now()
  let outcomes: BatchOutcome[]
  try {
    const running = lease.entry.run((raw) => runBatch(dialect, raw, batch, mode))
    // each statement gets the time one statement would have
    const limit = queryTimeoutMillis * batch.length
    outcomes = limit > 0 ? await withStatementTimeout(running, limit, clock, lease.id) : await running
  } catch (error) {
    outcomes = batch.map(() => ({ status: 'error', error }))
  }
  const ended = clock.now()
  const ran = outcomes.filter((o) => o.status === 'ok' || o.status === 'error').length
  const each = ran === 0 ? 0 : (ended - started) / ran
  counters.batchSizes.observe(batch.length)
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]!
    if (outcome.status !== 'ok' && outcome.status !== 'error') continue
    counters.recordStatement(batch[i]?.sql ?? '', each, ended, outcome.status === 'error')
    if (outcome.status === 'error') noteStatementFailure(host, lease.entry, outcome.error)
  }
  return outcomes
}

function runBatch(dialect: Dialect<any>, raw: unknown, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
  if (dialect.runBatch) return dialect.runBatch(raw, batch, mode)
  const run = (sql: string, params?: readonly unknown[]): ReturnType<Dialect['run']> => dialect.run(raw, sql, params, {})
  const host = {
    run,
    inTransaction: () => dialect.inTransaction?.(raw),
    isFatal: (error: unknown) => dialect.isFatal(error),
    beginStatement: dialect.beginStatement ?? 'BEGIN',
    frame: false,
  }
  return runOneByOne(host, singleUnits(batch, run), mode)
}
