/**
 * `runBatch` for MySQL/MariaDB. The classic protocol answers one command
 * before it reads the next, and `multipleStatements` is off by default (it is
 * the injection guard), so a batch cannot share one round trip the way
 * PostgreSQL's can. What it can do: fold each run of consecutive
 * same-shape `INSERT INTO t (...) VALUES (?, ...)` statements into ONE
 * multi-row INSERT (one round trip for the run), and send the rest back to
 * back on the connection.
 *
 * A folded INSERT is atomic on InnoDB: when it fails, nothing of it was
 * written, and its statements are run again one by one, so that the error is
 * told against the statement that caused it and the others fare as they
 * would have alone. Each folded statement reports `affectedRows: 1` (a plain
 * single-row INSERT that succeeds changes exactly one row). `insertId` is
 * reported on the first statement of a run only: MySQL reports the first
 * generated id of a multi-row INSERT, and the ids of the later rows are not
 * reliably consecutive (`innodb_autoinc_lock_mode = 2`,
 * `auto_increment_increment`, explicit ids).
 *
 * @internal
 */
import type { BatchMode, BatchOutcome, BatchStatement, QueryResult } from '../../dialect.js'
import { runOneByOne, type BatchUnit, type OneByOneHost } from '../run-one-by-one.js'

/** Most rows folded into one INSERT, to stay well inside `max_allowed_packet`. */
const MAX_FOLDED_ROWS = 500
/** `INSERT INTO name [(columns)] VALUES (?, ..., ?)` and nothing else: no IGNORE, no ON DUPLICATE KEY, no expressions. */
const FOLDABLE_INSERT = /^\s*INSERT\s+INTO\s+[`\w$.]+\s*(?:\([^()'"`]*\)\s*)?VALUES\s*(\(\s*\?(?:\s*,\s*\?)*\s*\))\s*;?\s*$/i

export type Mysql2BatchHost = Omit<OneByOneHost, 'beginStatement' | 'frame'>

export function runMysql2Batch(batch: readonly BatchStatement[], mode: BatchMode, host: Mysql2BatchHost): Promise<BatchOutcome[]> {
  return runOneByOne({ ...host, beginStatement: 'BEGIN', frame: false }, foldInserts(batch, host.run), mode)
}

/** Units of the batch: runs of foldable same-shape INSERTs as one unit each, every other statement alone. */
export function foldInserts(batch: readonly BatchStatement[], run: OneByOneHost['run']): BatchUnit[] {
  const units: BatchUnit[] = []
  let i = 0
  while (i < batch.length) {
    const first = batch[i]!
    const shape = foldableShape(first)
    let end = i + 1
    if (shape !== undefined) {
      while (end < batch.length && end - i < MAX_FOLDED_ROWS && batch[end]!.sql === first.sql && (batch[end]!.params?.length ?? 0) === shape.placeholders) end++
    }
    const run_ = batch.slice(i, end)
    units.push(run_.length > 1 && shape !== undefined ? foldedUnit(run_, shape, run) : single(first, run))
    i = end
  }
  return units
}

interface InsertShape {
  /** The text up to and without the VALUES tuple. */
  readonly head: string
  readonly tuple: string
  readonly placeholders: number
}

function foldableShape(statement: BatchStatement): InsertShape | undefined {
  const match = FOLDABLE_INSERT.exec(statement.sql)
  const tuple = match?.[1]
  if (match === null || tuple === undefined) return undefined
  const placeholders = tuple.split('?').length - 1
  if ((statement.params?.length ?? 0) !== placeholders) return undefined
  return { head: statement.sql.slice(0, statement.sql.lastIndexOf(tuple)), tuple, placeholders }
}

function foldedUnit(statements: readonly BatchStatement[], shape: InsertShape, run: OneByOneHost['run']): BatchUnit {
  return {
    size: statements.length,
    async run(): Promise<QueryResult[]> {
      const sql = shape.head + statements.map(() => shape.tuple).join(', ')
      const result = await run(sql, statements.flatMap((s) => s.params ?? []))
      return statements.map((_, i) => (i === 0 && result.insertId !== undefined ? { rows: [], affectedRows: 1, insertId: result.insertId, raw: result.raw } : { rows: [], affectedRows: 1, raw: result.raw }))
    },
    split: () => statements.map((s) => single(s, run)),
  }
}

function single(statement: BatchStatement, run: OneByOneHost['run']): BatchUnit {
  return { size: 1, run: async () => [await run(statement.sql, statement.params)] }
}
