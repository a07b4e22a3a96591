/**
 * `runBatch` for PostgreSQL: every statement of a batch goes out in one write
 * and comes back in one read (see `pg-wire-pipeline.ts` for the wire part).
 *
 * What one Sync means decides each mode. Statements between two Syncs run in
 * ONE implicit transaction, and after an error the server skips everything up
 * to the next Sync. So:
 *
 * - `independent`: a Sync after each statement. Each commits on its own and a
 *   failure touches no other. One round trip, one ReadyForQuery per statement.
 * - `transactional`: `BEGIN, s1..sN, COMMIT` and one Sync. A failure skips the
 *   rest; a `ROLLBACK` follows (a second round trip, only then).
 * - `sequential`: one Sync, so the server itself skips everything after a
 *   failure ("rest not run"). Without more, the implicit transaction would
 *   also undo the statements before the failure; so the batch runs as
 *   `BEGIN, (SAVEPOINT, s_i, RELEASE)×N, COMMIT`, and after a failure
 *   `ROLLBACK TO SAVEPOINT; COMMIT` keeps what ran before it (second round
 *   trip, only on failure). The batch commits as a unit at its end.
 *
 * Inside a transaction the caller opened, savepoints stand in for BEGIN and
 * COMMIT, and `independent` statements go one round trip each (a failure
 * aborts the caller's transaction until rolled back to a savepoint, which
 * only a second write can do).
 *
 * @internal
 */
import type { BatchMode, BatchOutcome, BatchStatement } from '../../dialect.js'
import { runOneByOne, singleUnits } from '../run-one-by-one.js'
import {
  batchDriver,
  canPipeline,
  PgPipelineQuery,
  pipelineQueryResult,
  type PgBatchDriver,
  type PgPipelineClient,
  type PgPipeliningHost,
  type PipelineSegment,
  type PipelineStep,
  type StepOutcome,
} from './pg-wire-pipeline.js'

const SAVEPOINT = 'sluice_batch'

/** `runBatch` of the pg dialect: the wire pipeline where the client allows it (pg's JavaScript client), one statement at a time otherwise. */
export function pgRunBatch(raw: unknown, batch: readonly BatchStatement[], mode: BatchMode, host: PgPipeliningHost): Promise<BatchOutcome[]> {
  const driver = batchDriver(host)
  if (driver !== undefined && canPipeline(raw)) return runPgBatch(raw, batch, mode, driver)
  return runOneByOne({ run: host.run, inTransaction: host.inTransaction, isFatal: host.isFatal, beginStatement: 'BEGIN', frame: false }, singleUnits(batch, host.run), mode)
}

async function runPgBatch(
  client: PgPipelineClient,
  batch: readonly BatchStatement[],
  mode: BatchMode,
  driver: PgBatchDriver,
): Promise<BatchOutcome[]> {
  const prepared = batch.map((statement) => prepare(statement, driver.prepareValue))
  const inTransaction = transactionOpen(client)
  switch (mode) {
    case 'independent':
      return inTransaction ? independentInTransaction(client, prepared) : independent(client, prepared)
    case 'transactional':
      return transactional(client, prepared, inTransaction)
    case 'sequential':
      // one statement needs no savepoints: its own implicit transaction is the same thing
      return prepared.length === 1 && !inTransaction ? independent(client, prepared) : sequential(client, prepared, inTransaction)
  }
}

/** A statement with its values mapped, or the mapping's error (pg's `prepareValue` throws on e.g. circular JSON). */
type Prepared = { readonly sql: string; readonly values: readonly unknown[] } | { readonly sql: string; readonly error: unknown }

function prepare(statement: BatchStatement, prepareValue: (value: unknown) => unknown): Prepared {
  try {
    return { sql: statement.sql, values: (statement.params ?? []).map((value) => prepareValue(value)) }
  } catch (error) {
    return { sql: statement.sql, error }
  }
}

async function independent(client: PgPipelineClient, prepared: readonly Prepared[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = prepared.map((p) => ('error' in p ? { status: 'error', error: p.error } : { status: 'not-run' }))
  const segments: PipelineSegment[] = []
  prepared.forEach((p, i) => {
    if ('values' in p) segments.push({ steps: [userStep(p, (outcome) => (outcomes[i] = toOutcome(outcome)))] })
  })
  await roundTrip(client, segments)
  return outcomes
}

async function independentInTransaction(client: PgPipelineClient, prepared: readonly Prepared[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = []
  for (const p of prepared) {
    if ('error' in p) {
      outcomes.push({ status: 'error', error: p.error })
      continue
    }
    let outcome = { kind: 'skipped' } as StepOutcome
    await roundTrip(client, [{ steps: [internalStep(`SAVEPOINT ${SAVEPOINT}`), userStep(p, (o) => (outcome = o)), internalStep(`RELEASE SAVEPOINT ${SAVEPOINT}`)] }])
    outcomes.push(toOutcome(outcome))
    if (outcome.kind === 'error' && outcome.fatal) return fillFatal(outcomes, prepared.length, outcome.error)
    if (outcome.kind !== 'ok') await rollBackToSavepoint(client)
  }
  return outcomes
}

async function transactional(client: PgPipelineClient, prepared: readonly Prepared[], inTransaction: boolean): Promise<BatchOutcome[]> {
  const unmappable = prepared.findIndex((p) => 'error' in p)
  if (unmappable !== -1) {
    // nothing is sent: the batch would fail at this statement anyway
    return prepared.map((p, i) => (i === unmappable && 'error' in p ? { status: 'error', error: p.error } : { status: 'rolled-back' }))
  }
  const results: StepOutcome[] = []
  const frame = frameSteps(inTransaction)
  const steps = [frame.open, ...prepared.map((p, i) => userStep(p as Extract<Prepared, { values: unknown }>, (o) => (results[i] = o))), frame.close]
  await roundTrip(client, [{ steps }])
  const failedAt = results.findIndex((o) => o?.kind !== 'ok')
  const closeFailure = frame.failure()
  if (failedAt === -1 && closeFailure === undefined) return results.map(toOutcome)
  if (failedAt === -1 || results[failedAt]!.kind === 'skipped') {
    // every statement ran, and then COMMIT (or the frame itself) failed: none of it persisted
    const error = closeFailure ?? frame.openFailure()
    await settleTransaction(client, inTransaction)
    return prepared.map(() => ({ status: 'error', error }))
  }
  const failure = results[failedAt] as Extract<StepOutcome, { kind: 'error' }>
  if (failure.fatal) return fillFatal([], prepared.length, failure.error)
  await settleTransaction(client, inTransaction)
  return prepared.map((_, i) => (i === failedAt ? { status: 'error', error: failure.error } : { status: 'rolled-back' }))
}

async function sequential(client: PgPipelineClient, prepared: readonly Prepared[], inTransaction: boolean): Promise<BatchOutcome[]> {
  const unmappable = prepared.findIndex((p) => 'error' in p)
  const sent = unmappable === -1 ? prepared : prepared.slice(0, unmappable)
  const results: StepOutcome[] = []
  const frame = frameSteps(inTransaction)
  const steps: PipelineStep[] = [frame.open]
  sent.forEach((p, i) => {
    steps.push(internalStep(`SAVEPOINT ${SAVEPOINT}`), userStep(p as Extract<Prepared, { values: unknown }>, (o) => (results[i] = o)), internalStep(`RELEASE SAVEPOINT ${SAVEPOINT}`))
  })
  steps.push(frame.close)
  if (sent.length > 0) await roundTrip(client, [{ steps }])
  const failedAt = results.findIndex((o) => o?.kind !== 'ok')
  let failure: StepOutcome | undefined = failedAt === -1 ? undefined : results[failedAt]
  if (failure?.kind === 'error' && failure.fatal) return fillFatal([], prepared.length, failure.error)
  const frameError = frame.openFailure() ?? (failure === undefined ? frame.failure() : undefined)
  if (frameError !== undefined) {
    // BEGIN or the final COMMIT failed: nothing of the batch persisted
    await settleTransaction(client, inTransaction)
    return prepared.map(() => ({ status: 'error', error: frameError }))
  }
  if (failure !== undefined && failedAt !== -1) {
    // keep what ran before the failure, then commit it
    const keepError = await keepBeforeFailure(client, inTransaction)
    if (keepError !== undefined) return prepared.map(() => ({ status: 'error', error: keepError }))
  }
  if (failure === undefined && unmappable !== -1) failure = { kind: 'error', error: (prepared[unmappable] as { error: unknown }).error, fatal: false }
  const stopAt = failedAt !== -1 ? failedAt : unmappable
  return prepared.map((_p, i): BatchOutcome => {
    if (stopAt === -1 || i < stopAt) return toOutcome(results[i]!)
    if (i === stopAt) return toOutcome(failure!)
    return { status: 'not-run' }
  })
}

/** BEGIN/COMMIT, or a savepoint inside the caller's transaction, remembering how they fared. */
function frameSteps(inTransaction: boolean): { open: PipelineStep; close: PipelineStep; openFailure(): unknown; failure(): unknown } {
  let opened: StepOutcome | undefined
  let closed: StepOutcome | undefined
  const open = internalStep(inTransaction ? `SAVEPOINT ${SAVEPOINT}_tx` : 'BEGIN', (o) => (opened = o))
  const close = internalStep(inTransaction ? `RELEASE SAVEPOINT ${SAVEPOINT}_tx` : 'COMMIT', (o) => (closed = o))
  return {
    open,
    close,
    openFailure: () => (opened?.kind === 'error' ? opened.error : undefined),
    failure: () => (closed?.kind === 'error' ? closed.error : undefined),
  }
}

/** After a failure inside the frame: ROLLBACK (or back to the frame's savepoint). */
async function settleTransaction(client: PgPipelineClient, inTransaction: boolean): Promise<void> {
  const steps = inTransaction
    ? [internalStep(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}_tx`), internalStep(`RELEASE SAVEPOINT ${SAVEPOINT}_tx`)]
    : transactionOpen(client) || client.getTransactionStatus === undefined
      ? [internalStep('ROLLBACK')]
      : []
  if (steps.length > 0) await roundTrip(client, [{ steps }])
}

/** Sequential after a failure: undo only the failed statement, then commit the ones before it. */
async function keepBeforeFailure(client: PgPipelineClient, inTransaction: boolean): Promise<unknown> {
  let failure: unknown
  const note = (o: StepOutcome): void => {
    if (o.kind === 'error' && failure === undefined) failure = o.error
  }
  const close = inTransaction ? `RELEASE SAVEPOINT ${SAVEPOINT}_tx` : 'COMMIT'
  const steps = [internalStep(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`, note), internalStep(`RELEASE SAVEPOINT ${SAVEPOINT}`, note), internalStep(close, note)]
  await roundTrip(client, [{ steps }])
  if (failure !== undefined) await settleTransaction(client, inTransaction)
  return failure
}

async function rollBackToSavepoint(client: PgPipelineClient): Promise<void> {
  await roundTrip(client, [{ steps: [internalStep(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`), internalStep(`RELEASE SAVEPOINT ${SAVEPOINT}`)] }])
}

/** Writes `segments` at once and waits for the last ReadyForQuery (or the fatal error that ends them). */
export function roundTrip(client: PgPipelineClient, segments: readonly PipelineSegment[]): Promise<void> {
  if (segments.length === 0) return Promise.resolve()
  const pipeline = new PgPipelineQuery(client, segments)
  client.query(pipeline)
  return pipeline.finished
}

function userStep(p: { readonly sql: string; readonly values: readonly unknown[] }, settle: (outcome: StepOutcome) => void): PipelineStep {
  return { text: p.sql, values: p.values, describe: true, rowMode: 'object', settle }
}

function internalStep(text: string, settle: (outcome: StepOutcome) => void = ignore): PipelineStep {
  return { text, values: [], describe: false, rowMode: 'object', settle }
}

function toOutcome(outcome: StepOutcome): BatchOutcome {
  switch (outcome.kind) {
    case 'ok':
      return { status: 'ok', result: pipelineQueryResult(outcome.result) }
    case 'error':
      return { status: 'error', error: outcome.error }
    case 'skipped':
      return { status: 'not-run' }
  }
}

/** A fatal error settles everything the batch has not yet confirmed: nothing uncommitted survives it. */
function fillFatal(outcomes: BatchOutcome[], length: number, error: unknown): BatchOutcome[] {
  const filled = [...outcomes]
  while (filled.length < length) filled.push({ status: 'error', error })
  return filled
}

function transactionOpen(client: PgPipelineClient): boolean {
  const status = client.getTransactionStatus?.() ?? null
  return status === 'T' || status === 'E'
}

function ignore(): void {}
