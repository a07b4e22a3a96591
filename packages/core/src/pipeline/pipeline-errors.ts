import { SluiceError } from '../errors/sluice-error.js'

/**
 * A pipelined statement that did not run, or whose effects were undone,
 * because another statement failed: `failedIndex` names that statement (its
 * position in the pipeline, counted from 0) and `cause` is its error.
 */
export class BatchNotRunError extends SluiceError {
  /** `'not-run'`: never sent or skipped. `'rolled-back'`: ran, then undone with its transaction. */
  readonly status: 'not-run' | 'rolled-back'
  /** This statement's position in the pipeline. */
  readonly index: number
  /** The statement whose failure stopped this one, when known. */
  readonly failedIndex: number | undefined

  constructor(status: 'not-run' | 'rolled-back', index: number, failedIndex: number | undefined, cause: unknown) {
    const because = failedIndex === undefined ? 'an earlier statement failed' : `statement #${failedIndex} failed${cause instanceof Error ? `: ${cause.message}` : ''}`
    const what = status === 'not-run' ? 'was not run' : 'was rolled back'
    super('SLUICE_BATCH_NOT_RUN', `Pipelined statement #${index} ${what} because ${because}`, cause === undefined ? undefined : { cause })
    this.status = status
    this.index = index
    this.failedIndex = failedIndex
  }
}

/** `add()` on a full pipeline with `onFull: 'error'`. Nothing was queued. */
export class PipelineFullError extends SluiceError {
  readonly maxQueueSize: number

  constructor(maxQueueSize: number) {
    super('SLUICE_PIPELINE_FULL', `Pipeline is full: ${maxQueueSize} statements are already queued or running (maxQueueSize); the statement was not added`)
    this.maxQueueSize = maxQueueSize
  }
}

/** `add()` after `close()`. */
export class PipelineClosedError extends SluiceError {
  constructor() {
    super('SLUICE_PIPELINE_CLOSED', 'Pipeline is closed: no statement can be added')
  }
}

/** A statement this pipeline refuses: transaction control anywhere, or anything but a read under `parallel`. */
export class PipelineStatementError extends SluiceError {
  constructor(reason: string) {
    super('SLUICE_PIPELINE_STATEMENT', `Statement refused by the pipeline: ${reason}`)
  }
}
