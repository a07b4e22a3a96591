/**
 * One list of statements, compiled by an ORM, run through one new pipeline:
 * what `sluiceBatch()` in @sluice/kysely, @sluice/knex and @sluice/drizzle
 * share. The adapters only translate their queries to SQL and parameters,
 * and the answers back to the ORM's shapes.
 */
import { checkBatchOptions, type PipelineOptions, type PipelineStrategy, type SluiceBatchOptions } from '../config/pipeline-config.js'
import { SluiceError } from '../errors/sluice-error.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { BatchItemResult, BatchItemStatus, BatchReport } from './batch-report.js'
import { PipelineStatementError } from './pipeline-errors.js'
import type { Pipeline } from './pipeline.js'

export type { SluiceBatchOptions } from '../config/pipeline-config.js'

/** What a batch needs of the pool: a new pipeline. */
export interface PipelineSource {
  pipeline(options?: PipelineOptions): Pipeline
}

/** What became of one statement: its value (as the ORM would give it), or why there is none. */
export type SluiceBatchOutcome<T> =
  | { readonly status: 'ok'; readonly value: T; readonly error?: undefined }
  | {
      readonly status: Exclude<BatchItemStatus, 'ok'>
      readonly value?: undefined
      /** The statement's own error (`error`), or the `BatchNotRunError` naming the statement that stopped it. */
      readonly error: unknown
    }

/** One outcome per query, in the order given, and the pipeline's report. */
export interface SluiceBatchResult<T extends readonly unknown[]> {
  readonly results: { readonly [K in keyof T]: SluiceBatchOutcome<T[K]> }
  readonly report: BatchReport
}

/**
 * A `'sequential'` or `'transactional'` batch in which a statement did not
 * succeed. Thrown once every statement's fate is known: `failedIndex` is the
 * first statement that failed, `cause` its own error, and `results` /
 * `report` say what became of each (under `'sequential'`, the statements
 * before the failure are committed).
 */
export class SluiceBatchError extends SluiceError {
  readonly strategy: PipelineStrategy
  /** Position of the first failed statement in the list given. */
  readonly failedIndex: number
  readonly results: ReadonlyArray<SluiceBatchOutcome<unknown>>
  readonly report: BatchReport

  constructor(strategy: PipelineStrategy, results: ReadonlyArray<SluiceBatchOutcome<unknown>>, report: BatchReport) {
    const failed = report.items.find((item) => item.status === 'error') ?? report.items.find((item) => item.status !== 'ok')
    const failedIndex = failed?.index ?? -1
    const cause = failed?.error
    const counts = `${report.succeeded} succeeded, ${report.failed} failed, ${report.rolledBack} rolled back, ${report.notRun} not run`
    super('SLUICE_BATCH_FAILED', `Batch (${strategy}) failed at statement #${failedIndex}${cause instanceof Error ? `: ${cause.message}` : ''} (${counts})`, { cause })
    this.strategy = strategy
    this.failedIndex = failedIndex
    this.results = results
    this.report = report
  }
}

/** One statement of a batch, as an ORM compiled it. */
export interface PipelinedStatement {
  readonly sql: string
  readonly params: readonly unknown[] | undefined
}

type PipelinedOutcome = SluiceBatchOutcome<BatchItemResult>

export interface PipelinedRun {
  readonly strategy: PipelineStrategy
  readonly outcomes: PipelinedOutcome[]
  readonly report: BatchReport
}

const EMPTY_REPORT: BatchReport = Object.freeze({ items: [], succeeded: 0, failed: 0, notRun: 0, rolledBack: 0, batches: 0 })

/**
 * Adds every statement, in order, to one new pipeline, closes it (which
 * sends what is queued and waits for all of it), and pairs each statement's
 * `add()` result with its fate in the report.
 */
export async function runBatch(pool: PipelineSource, statements: readonly PipelinedStatement[], options: SluiceBatchOptions): Promise<PipelinedRun> {
  const { strategy = 'sequential', batchSize } = checkBatchOptions(options)
  // refused by the pipeline too, but only when added: checked first, so that nothing before it is sent
  const control = statements.findIndex((statement) => transactionEffect(statement.sql) !== 'none')
  if (control !== -1) {
    throw new PipelineStatementError(`statement #${control} is transaction control (BEGIN, COMMIT, ROLLBACK), which a batch cannot hold; use strategy "transactional"`)
  }
  if (statements.length === 0) return { strategy, outcomes: [], report: EMPTY_REPORT }
  const size = batchSize ?? statements.length
  const pipe = pool.pipeline({ strategy, batchSize: size, maxQueueSize: Math.max(size, statements.length) })
  const added: Array<Promise<BatchItemResult>> = []
  for (const { sql, params } of statements) {
    const before = pipe.pending
    const adding = pipe.add(sql, params)
    if (pipe.pending === before) {
      // refused (a write under 'parallel'): what was queued before it are reads, which the close sends harmlessly
      const refusal = adding.then(
        () => undefined,
        (error: unknown) => error,
      )
      await pipe.close()
      throw await refusal
    }
    added.push(adding)
  }
  const report = await pipe.close()
  const settled = await Promise.allSettled(added)
  const outcomes = report.items.map((item, i): PipelinedOutcome => {
    const result = settled[i]
    if (item.status === 'ok' && result?.status === 'fulfilled') return { status: 'ok', value: result.value }
    return { status: item.status === 'ok' ? 'error' : item.status, error: item.error ?? (result?.status === 'rejected' ? result.reason : undefined) }
  })
  return { strategy, outcomes, report }
}
