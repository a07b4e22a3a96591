import type { QueryResult } from '../dialect.js'

/** What `add()` resolves with: the statement's own result and its position in the pipeline. */
export interface BatchItemResult<Row = Record<string, unknown>> extends QueryResult<Row> {
  /** Position in the pipeline, counted from 0 in `add()` order. */
  readonly index: number
}

/** The fate of one statement, as `flush()` reports it. */
export type BatchItemStatus = 'ok' | 'error' | 'not-run' | 'rolled-back'

export interface BatchItemReport {
  readonly index: number
  readonly sql: string
  readonly status: BatchItemStatus
  /** The statement's own error (`error`), or the `BatchNotRunError` naming the statement that stopped it. */
  readonly error?: unknown
}

/** Every statement added since the previous report, in `add()` order, once all have settled. */
export interface BatchReport {
  readonly items: readonly BatchItemReport[]
  readonly succeeded: number
  readonly failed: number
  readonly notRun: number
  readonly rolledBack: number
  /** Batches sent for these statements. */
  readonly batches: number
}

export function buildReport(items: readonly BatchItemReport[], batches: number): BatchReport {
  let succeeded = 0
  let failed = 0
  let notRun = 0
  let rolledBack = 0
  for (const item of items) {
    if (item.status === 'ok') succeeded++
    else if (item.status === 'error') failed++
    else if (item.status === 'not-run') notRun++
    else rolledBack++
  }
  return { items, succeeded, failed, notRun, rolledBack, batches }
}
