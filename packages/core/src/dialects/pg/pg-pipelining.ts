/**
 * What `PgDialect.runBatch` and `PgDialect.runPipelined` delegate to: the
 * pipelined protocol where the client allows it (pg's JavaScript client), and
 * one statement at a time otherwise (pg-native, or a look-alike module
 * without `utils.prepareValue`).
 *
 * @internal
 */
import type { BatchMode, BatchOutcome, BatchStatement, QueryResult, RunOptions } from '../../dialect.js'
import { runOneByOne, singleUnits } from '../run-one-by-one.js'
import { canPipeline, runPgBatch, type PgBatchDriver } from './pg-batch.js'
import { runPipelined } from './pg-implicit-pipe.js'

/** What the dialect hands over: its loaded driver module and its own judgement of errors. */
export interface PgPipeliningHost {
  readonly driver: unknown
  isFatal(error: unknown): boolean
  run(sql: string, params?: readonly unknown[], options?: RunOptions): Promise<QueryResult>
  inTransaction(): boolean | undefined
}

export function pgRunBatch(raw: unknown, batch: readonly BatchStatement[], mode: BatchMode, host: PgPipeliningHost): Promise<BatchOutcome[]> {
  const driver = batchDriver(host)
  if (driver !== undefined && canPipeline(raw)) return runPgBatch(raw, batch, mode, driver)
  return runOneByOne({ run: host.run, inTransaction: host.inTransaction, isFatal: host.isFatal, beginStatement: 'BEGIN', frame: false }, singleUnits(batch, host.run), mode)
}

export function pgRunPipelined(raw: unknown, sql: string, params: readonly unknown[] | undefined, options: RunOptions, host: PgPipeliningHost): Promise<QueryResult> {
  const driver = batchDriver(host)
  // without the protocol connection, pg's own queue runs it after the others
  if (driver === undefined || !canPipeline(raw)) return host.run(sql, params, options)
  return runPipelined(raw, sql, params, options, driver)
}

function batchDriver(host: PgPipeliningHost): PgBatchDriver | undefined {
  const prepareValue = (host.driver as { utils?: { prepareValue?: unknown } } | undefined)?.utils?.prepareValue
  if (typeof prepareValue !== 'function') return undefined
  return { prepareValue: prepareValue as (value: unknown) => unknown }
}
