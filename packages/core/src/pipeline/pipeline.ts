import { resolvePipelineOptions, type PipelineOptions, type PipelineStrategy, type ResolvedPipelineOptions } from '../config/pipeline-config.js'
import type { Lease, WriteMark } from '../connection/lease.js'
import type { BatchMode, BatchOutcome, BatchStatement } from '../dialect.js'
import { ArgumentError } from '../errors/argument-error.js'
import { classifyStatement } from '../sql/classify-statement.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { TimerHandle } from '../util/clock.js'
import { buildReport, type BatchItemReport, type BatchItemResult, type BatchReport } from './batch-report.js'
import { runBatchOn } from './batch-runner.js'
import type { PipelineHost } from './pipeline-host.js'
import { BatchNotRunError, PipelineClosedError, PipelineFullError, PipelineStatementError } from './pipeline-errors.js'

const BATCH_MODES: Record<PipelineStrategy, BatchMode> = {
  sequential: 'sequential',
  transactional: 'transactional',
  'best-effort': 'independent',
  parallel: 'independent',
}

interface Item {
  readonly index: number
  readonly sql: string
  readonly params: readonly unknown[] | undefined
  readonly promise: Promise<BatchItemResult>
  readonly settled: Promise<void>
  resolve(result: BatchItemResult): void
  reject(error: unknown): void
  markSettled(): void
  report: BatchItemReport | undefined
  /** The batch it was sent in (1-based), for the report's batch count. */
  batch: number
  /** What the write marks for read-your-writes once committed (the scope of the caller that added it). */
  mark: WriteMark | undefined
}

/**
 * Statements queued by many callers and sent to the database in batches: at
 * `batchSize` statements, after `flushIntervalMillis`, or on `flush()`. Each
 * `add()` settles with that statement's own result or error; `flush()`
 * reports the fate of every statement since the previous report.
 *
 * ```ts
 * const pipe = pool.pipeline({ batchSize: 100, strategy: 'best-effort' })
 * for (const order of orders) void pipe.add('INSERT INTO orders (id, total) VALUES ($1, $2)', [order.id, order.total])
 * const report = await pipe.close()
 * console.log(`${report.succeeded} inserted, ${report.failed} failed`)
 * ```
 *
 * A failed statement's `add()` promise is already handled: leaving it
 * unawaited does not crash the process (its fate is in the report). Refusals
 * (`PipelineFullError`, `PipelineClosedError`, `PipelineStatementError`) are
 * ordinary rejections.
 */
export class Pipeline {
  readonly options: ResolvedPipelineOptions
  readonly #host: PipelineHost
  /** Added while the pipeline was full, in order; they enter the queue as room frees. */
  readonly #waiting: Item[] = []
  /** Accepted, not yet sent. */
  readonly #queue: Item[] = []
  /** Added since the last report. */
  readonly #unreported: Item[] = []
  #inFlight = 0
  #runningBatches = 0
  #batchSequence = 0
  /** Statements with an index up to this one go out without waiting for a full batch. */
  #forceThrough = -1
  #timer: TimerHandle | undefined
  #nextIndex = 0
  #closed = false
  #closing: Promise<BatchReport> | undefined
  readonly #roomWaiters: Array<() => void> = []

  /** @internal created by `pool.pipeline()` */
  constructor(host: PipelineHost, options?: PipelineOptions) {
    this.options = resolvePipelineOptions(options)
    this.#host = host
  }

  /** Statements queued, waiting for room or running now. */
  get pending(): number {
    return this.#waiting.length + this.#queue.length + this.#inFlight
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Queues a statement. Resolves with its own result; rejects with its own
   * error, or with a `BatchNotRunError` naming the statement whose failure
   * stopped it.
   */
  add<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<BatchItemResult<Row>> {
    const refusal = this.#refusal(sql)
    if (refusal !== undefined) return Promise.reject(refusal)
    const full = this.#full()
    if (full && this.options.onFull === 'error') return Promise.reject(new PipelineFullError(this.options.maxQueueSize))
    const item = createItem(this.#nextIndex++, sql, params)
    // here, in the caller's async context: the batch runs later, in whoever's context sends it
    item.mark = this.#host.observer?.markWrite(sql, undefined)
    this.#unreported.push(item)
    if (full) this.#waiting.push(item)
    else this.#queue.push(item)
    this.#pump()
    return item.promise as Promise<BatchItemResult<Row>>
  }

  /**
   * Sends everything added so far without waiting for full batches, and
   * resolves once all of it has settled, with the fate of every statement
   * added since the previous report.
   */
  async flush(): Promise<BatchReport> {
    const items = this.#unreported.splice(0)
    this.#forceThrough = this.#nextIndex - 1
    this.#pump()
    await Promise.all(items.map((item) => item.settled))
    return buildReport(
      items.map((item) => item.report!),
      new Set(items.map((item) => item.batch).filter((batch) => batch > 0)).size,
    )
  }

  /** Takes no more statements, sends what is queued, and reports like `flush()`. */
  close(): Promise<BatchReport> {
    this.#closed = true
    this.#closing ??= this.flush().finally(() => this.#disarmTimer())
    return this.#closing
  }

  /** Resolves once `add()` would not have to wait for room (for producers that do not await each `add()`). */
  waitForRoom(): Promise<void> {
    if (!this.#full()) return Promise.resolve()
    return new Promise((resolve) => this.#roomWaiters.push(resolve))
  }

  #refusal(sql: string): Error | undefined {
    if (this.#closed) return new PipelineClosedError()
    if (typeof sql !== 'string') return new ArgumentError('Pipeline.add', 'sql', `must be a string, got ${typeof sql}`)
    if (transactionEffect(sql) !== 'none') {
      return new PipelineStatementError('transaction control (BEGIN, COMMIT, ROLLBACK) cannot be pipelined; use strategy "transactional" or pool.transaction()')
    }
    if (this.options.strategy === 'parallel') {
      const kind = this.#host.dialect.classify?.(sql) ?? classifyStatement(sql, this.#host.dialect.kind)
      if (kind !== 'read') return new PipelineStatementError(`a "parallel" pipeline runs reads only, in no fixed order; this statement may write (${kind}). Use "sequential" or "best-effort" for writes`)
    }
    return undefined
  }

  #accepted(): number {
    return this.#queue.length + this.#inFlight
  }

  #full(): boolean {
    return this.#waiting.length > 0 || this.#accepted() >= this.options.maxQueueSize
  }

  /** Starts every batch that may start now, then keeps the flush timer right. */
  #pump(): void {
    const { batchSize, strategy } = this.options
    for (;;) {
      const first = this.#queue[0]
      if (first === undefined) break
      if (strategy === 'parallel' ? this.#runningBatches >= this.#host.maxConnections : this.#runningBatches > 0) break
      if (this.#queue.length < batchSize && first.index > this.#forceThrough) break
      this.#start(this.#queue.splice(0, batchSize))
    }
    this.#armTimer()
  }

  #armTimer(): void {
    const first = this.#queue[0]
    if (first === undefined || first.index <= this.#forceThrough) return this.#disarmTimer()
    // armed only while statements are queued, whose add() promises settle when they are sent
    this.#timer ??= this.#host.clock.setTimeout(
      () => {
        this.#timer = undefined
        const last = this.#queue.at(-1)
        if (last !== undefined) this.#forceThrough = Math.max(this.#forceThrough, last.index)
        this.#pump()
      },
      this.options.flushIntervalMillis,
      'awaited',
    )
  }

  #disarmTimer(): void {
    if (this.#timer === undefined) return
    this.#host.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #start(batch: Item[]): void {
    const sequence = ++this.#batchSequence
    for (const item of batch) item.batch = sequence
    this.#runningBatches++
    this.#inFlight += batch.length
    void this.#run(batch).then((outcomes) => this.#finish(batch, outcomes))
  }

  async #run(batch: readonly Item[]): Promise<BatchOutcome[]> {
    const statements: BatchStatement[] = batch.map((item) => (item.params === undefined ? { sql: item.sql } : { sql: item.sql, params: item.params }))
    let lease
    try {
      lease = await this.#host.acquire()
    } catch (error) {
      return batch.map(() => ({ status: 'error', error }))
    }
    try {
      const outcomes = await runBatchOn(this.#host, lease, statements, BATCH_MODES[this.options.strategy])
      await this.#noteWrites(batch, outcomes, lease)
      return outcomes
    } finally {
      if (!lease.released) lease.release()
    }
  }

  /** Before any add() of the batch settles: where its committed writes stand, for their callers' scopes. */
  async #noteWrites(batch: readonly Item[], outcomes: readonly BatchOutcome[], lease: Lease): Promise<void> {
    const observer = this.#host.observer
    if (observer === undefined) return
    const marks = new Set<WriteMark>()
    batch.forEach((item, i) => {
      if (item.mark !== undefined && outcomes[i]?.status === 'ok') marks.add(item.mark)
    })
    if (marks.size > 0) await observer.committed(marks, lease)
  }

  #finish(batch: readonly Item[], outcomes: readonly BatchOutcome[]): void {
    this.#runningBatches--
    this.#inFlight -= batch.length
    const failedAt = outcomes.findIndex((outcome) => outcome.status === 'error')
    const failed = batch[failedAt]
    const failure = failedAt === -1 ? undefined : (outcomes[failedAt] as { error: unknown }).error
    batch.forEach((item, i) => settle(item, outcomes[i] ?? { status: 'not-run' }, failed?.index, failure))
    const { strategy } = this.options
    if (failed !== undefined && (strategy === 'sequential' || strategy === 'transactional')) {
      // what was queued behind the failure was meant to follow it
      for (const item of [...this.#queue.splice(0), ...this.#waiting.splice(0)]) settle(item, { status: 'not-run' }, failed.index, failure)
    }
    this.#admit()
    if (!this.#full()) for (const resolve of this.#roomWaiters.splice(0)) resolve()
    this.#pump()
  }

  /** Moves statements that waited for room into the queue, in order. */
  #admit(): void {
    while (this.#waiting.length > 0 && this.#accepted() < this.options.maxQueueSize) this.#queue.push(this.#waiting.shift()!)
  }
}

function createItem(index: number, sql: string, params: readonly unknown[] | undefined): Item {
  let resolve!: (result: BatchItemResult) => void
  let reject!: (error: unknown) => void
  let markSettled!: () => void
  const promise = new Promise<BatchItemResult>((res, rej) => {
    resolve = res
    reject = rej
  })
  // the report carries the failure: an unawaited add() must not become an unhandled rejection
  promise.catch(ignore)
  const settled = new Promise<void>((res) => (markSettled = res))
  return { index, sql, params, promise, settled, resolve, reject, markSettled, report: undefined, batch: 0, mark: undefined }
}

function settle(item: Item, outcome: BatchOutcome, failedIndex: number | undefined, failure: unknown): void {
  if (item.report !== undefined) return
  switch (outcome.status) {
    case 'ok':
      item.report = { index: item.index, sql: item.sql, status: 'ok' }
      item.resolve({ ...outcome.result, index: item.index })
      break
    case 'error':
      item.report = { index: item.index, sql: item.sql, status: 'error', error: outcome.error }
      item.reject(outcome.error)
      break
    case 'not-run':
    case 'rolled-back': {
      const error = new BatchNotRunError(outcome.status, item.index, failedIndex, failure)
      item.report = { index: item.index, sql: item.sql, status: outcome.status, error }
      item.reject(error)
      break
    }
  }
  item.markSettled()
}

function ignore(): void {}
