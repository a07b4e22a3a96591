/**
 * `runBatch` for SQLite. There is no round trip to save (the driver is
 * in-process and synchronous); what a batch saves is commits: every mode runs
 * inside ONE transaction, opened with the dialect's `BEGIN IMMEDIATE`, which
 * takes the dialect's write lock for the whole batch (see
 * `better-sqlite3-dialect.ts`), so the batch costs one journal sync instead
 * of one per statement.
 *
 * - `transactional`: a failure rolls the transaction back; the others are
 *   reported rolled back.
 * - `sequential`: SQLite undoes a failed statement by itself (statement
 *   journal) and keeps the transaction open, so the statements before the
 *   failure are committed and the rest are not run.
 * - `independent`: the same, going on after each failure.
 *
 * Savepoints are used only inside a transaction the caller opened
 * (`transactional` then runs between `SAVEPOINT` and `RELEASE`). Should an
 * error end the whole transaction (`ON CONFLICT ROLLBACK`, `RAISE(ROLLBACK)`,
 * a full disk), the statements before it in the batch are reported rolled
 * back, and `independent` opens a new transaction for the rest.
 *
 * @internal
 */
import type { BatchMode, BatchOutcome, BatchStatement } from '../../dialect.js'
import { runOneByOne, singleUnits, type OneByOneHost } from '../run-one-by-one.js'

export type SqliteBatchHost = Omit<OneByOneHost, 'frame'>

export function runSqliteBatch(batch: readonly BatchStatement[], mode: BatchMode, host: SqliteBatchHost): Promise<BatchOutcome[]> {
  return runOneByOne({ ...host, frame: true }, singleUnits(batch, host.run), mode)
}
