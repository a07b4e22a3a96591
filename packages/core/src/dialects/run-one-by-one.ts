import type { BatchMode, BatchOutcome, BatchStatement, QueryResult } from '../dialect.js'

/**
 * A piece of a batch that one driver call runs: usually one statement, or
 * several folded into one (MySQL's multi-row INSERT), which `split()` turns
 * back into single statements when it fails, so that the failure is told
 * against the statement that caused it.
 */
export interface BatchUnit {
  /** How many statements of the batch this unit covers. */
  readonly size: number
  /** One result per statement covered. */
  run(): Promise<QueryResult[]>
  split?(): BatchUnit[]
}

/** What running a batch statement by statement needs from a connection. */
export interface OneByOneHost {
  run(sql: string, params?: readonly unknown[]): Promise<QueryResult>
  /** Whether a transaction is open now; `undefined` when unknown (then treated as not). */
  inTransaction(): boolean | undefined
  isFatal(error: unknown): boolean
  /** The statement that opens a transaction (`BEGIN`, SQLite's `BEGIN IMMEDIATE`). */
  readonly beginStatement: string
  /**
   * Run `sequential` and `independent` batches inside one transaction too
   * (SQLite: one commit, one fsync, one write-lock hold for the whole batch).
   * Otherwise each statement commits on its own.
   */
  readonly frame: boolean
}

const SAVEPOINT = 'sluice_batch'

/** Units of one statement each. */
export function singleUnits(batch: readonly BatchStatement[], run: OneByOneHost['run']): BatchUnit[] {
  return batch.map((statement) => ({ size: 1, run: async () => [await run(statement.sql, statement.params)] }))
}

/**
 * Runs a batch one driver call at a time with the semantics of `mode` (see
 * `BatchMode`): the fallback for dialects without `runBatch`, and the engine
 * of the MySQL and SQLite batches.
 *
 * @internal
 */
export async function runOneByOne(host: OneByOneHost, units: readonly BatchUnit[], mode: BatchMode): Promise<BatchOutcome[]> {
  switch (mode) {
    case 'transactional':
      return transactional(host, units)
    case 'sequential':
    case 'independent':
      return host.frame && host.inTransaction() !== true ? framed(host, units, mode) : unframed(host, units, mode)
  }
}

async function transactional(host: OneByOneHost, units: readonly BatchUnit[]): Promise<BatchOutcome[]> {
  const total = count(units)
  const nested = host.inTransaction() === true
  try {
    await host.run(nested ? `SAVEPOINT ${SAVEPOINT}` : host.beginStatement)
  } catch (error) {
    return repeat(total, { status: 'error', error })
  }
  const outcomes: BatchOutcome[] = []
  const failure = await runUntilFailure(host, [...units], outcomes)
  if (failure !== undefined) {
    if (!host.isFatal(failure.error)) await quietly(host, nested ? [`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`, `RELEASE SAVEPOINT ${SAVEPOINT}`] : ['ROLLBACK'])
    return Array.from({ length: total }, (_, i): BatchOutcome => (i === failure.index ? { status: 'error', error: failure.error } : { status: 'rolled-back' }))
  }
  try {
    await host.run(nested ? `RELEASE SAVEPOINT ${SAVEPOINT}` : 'COMMIT')
  } catch (error) {
    // a failed COMMIT persisted nothing
    if (!host.isFatal(error)) await quietly(host, nested ? [] : ['ROLLBACK'])
    return repeat(total, { status: 'error', error })
  }
  return outcomes
}

/** Each statement commits on its own; `sequential` stops at the first failure. */
async function unframed(host: OneByOneHost, units: readonly BatchUnit[], mode: BatchMode): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = []
  const queue = [...units]
  for (;;) {
    const failure = await runUntilFailure(host, queue, outcomes)
    if (failure === undefined) return outcomes
    outcomes.push(...repeat(failure.size, { status: 'error', error: failure.error }))
    const rest = count(queue)
    if (host.isFatal(failure.error)) return [...outcomes, ...repeat(rest, { status: 'error', error: failure.error })]
    if (mode === 'sequential') return [...outcomes, ...repeat(rest, { status: 'not-run' })]
  }
}

/**
 * The whole batch in one transaction. A statement's failure undoes only that
 * statement (MySQL and SQLite roll back the failed statement alone), unless
 * the database rolled the whole transaction back (SQLite's ON CONFLICT
 * ROLLBACK, a deadlock): then the statements before it are reported rolled back.
 */
async function framed(host: OneByOneHost, units: readonly BatchUnit[], mode: BatchMode): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = []
  const queue = [...units]
  let since = 0
  try {
    await host.run(host.beginStatement)
  } catch (error) {
    return repeat(count(units), { status: 'error', error })
  }
  for (;;) {
    const failure = await runUntilFailure(host, queue, outcomes)
    if (failure === undefined) break
    outcomes.push(...repeat(failure.size, { status: 'error', error: failure.error }))
    const fatal = host.isFatal(failure.error)
    if (fatal || host.inTransaction() === false) {
      // the transaction is gone with everything since its BEGIN
      for (let i = since; i < failure.index; i++) if (outcomes[i]?.status === 'ok') outcomes[i] = { status: 'rolled-back' }
      since = outcomes.length
      if (fatal) return [...outcomes, ...repeat(count(queue), { status: 'error', error: failure.error })]
      if (mode === 'independent' && queue.length > 0) {
        try {
          await host.run(host.beginStatement)
        } catch (error) {
          return [...outcomes, ...repeat(count(queue), { status: 'error', error })]
        }
      }
    }
    if (mode === 'sequential') {
      outcomes.push(...repeat(count(queue), { status: 'not-run' }))
      break
    }
  }
  if (host.inTransaction() === false) return outcomes
  try {
    await host.run('COMMIT')
  } catch (error) {
    await quietly(host, ['ROLLBACK'])
    for (let i = since; i < outcomes.length; i++) if (outcomes[i]?.status === 'ok') outcomes[i] = { status: 'error', error }
  }
  return outcomes
}

/** The statement (or unsplittable unit of `size` statements, which failed as one) where a batch failed. */
interface Failure {
  readonly index: number
  readonly error: unknown
  readonly size: number
}

/** Runs units from the front of `queue`, pushing ok outcomes, until one statement fails. */
async function runUntilFailure(host: OneByOneHost, queue: BatchUnit[], outcomes: BatchOutcome[]): Promise<Failure | undefined> {
  let unit: BatchUnit | undefined
  while ((unit = queue.shift())) {
    try {
      for (const result of await unit.run()) outcomes.push({ status: 'ok', result })
    } catch (error) {
      if (unit.split && !host.isFatal(error)) {
        // a folded unit failed as a whole: run its statements one by one to find the culprit
        queue.unshift(...unit.split())
        continue
      }
      return { index: outcomes.length, error, size: unit.size }
    }
  }
  return undefined
}

async function quietly(host: OneByOneHost, statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    try {
      await host.run(sql)
    } catch {
      // the transaction may be gone already (deadlock victim); the caller reports the first error
    }
  }
}

function count(units: readonly BatchUnit[]): number {
  let total = 0
  for (const unit of units) total += unit.size
  return total
}

function repeat(n: number, outcome: BatchOutcome): BatchOutcome[] {
  return Array.from({ length: n }, () => outcome)
}
