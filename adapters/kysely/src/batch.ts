/**
 * `sluiceBatch()`: queries built with Kysely, sent together through one
 * Sluice pipeline (`sluiceOf(db).pipeline()`, see docs/pipelining.md). Each
 * query is compiled by Kysely and its SQL and parameters go to the pipeline
 * as they are; the pipeline does the batching, this file only translates.
 */
import { type BatchItemResult, type DatabaseKind } from '@sluice/core'
import { runBatch, SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult } from '@sluice/core/adapter'
import {
  DeleteQueryNode,
  DeleteResult,
  InsertQueryNode,
  InsertResult,
  MergeQueryNode,
  MergeResult,
  UpdateQueryNode,
  UpdateResult,
  type Compilable,
  type CompiledQuery,
  type DialectAdapter,
  type InferResult,
  type Kysely,
  type QueryResult,
  type RawBuilder,
  type UnknownRow,
} from 'kysely'
import type { DatabaseFlavor } from './driver/database-flavor.js'
import { MYSQL_FLAVOR } from './dialect/mysql/mysql-flavor.js'
import { POSTGRES_FLAVOR } from './dialect/postgres/postgres-flavor.js'
import { SQLITE_FLAVOR } from './dialect/sqlite/sqlite-flavor.js'
import { sluiceOf } from './sluice-of.js'

export { SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult } from '@sluice/core/adapter'

/** What `sluiceBatch()` takes: a query builder, a `sql` template, or an already compiled query. */
export type KyselyBatchQuery = Compilable<any> | RawBuilder<any> | CompiledQuery<any>

/** What Kysely's `execute()` resolves to for a query: rows, or `[InsertResult]` / `[UpdateResult]` / ... for a write without `returning`. */
export type KyselyBatchValue<Q> = Q extends RawBuilder<infer O> ? O[] : Q extends Compilable<any> | CompiledQuery<any> ? InferResult<Q> : never

/**
 * Runs queries built with Kysely in one Sluice pipeline: compiled by Kysely,
 * sent together (one round trip per batch on PostgreSQL), in order, and
 * answered per query with what its `execute()` would have returned.
 *
 * ```ts
 * const { results, report } = await sluiceBatch(db, [
 *   db.insertInto('orders').values({ id: 1, total: 10 }),
 *   db.updateTable('stock').set({ qty: 4 }).where('sku', '=', 'A1'),
 *   db.selectFrom('orders').selectAll(),
 * ], { strategy: 'transactional' })
 * const [inserted, updated, orders] = results // inserted.value: [InsertResult], orders.value: rows
 * ```
 *
 * - `'sequential'` (default) and `'transactional'`: resolves when every
 *   statement succeeded; otherwise rejects with `SluiceBatchError` once all
 *   outcomes are known.
 * - `'best-effort'` and `'parallel'`: always resolves; each outcome has its
 *   `status` (`ok`, `error`, `not-run`, `rolled-back`).
 *
 * Runs on connections of its own, never inside a transaction of `db`
 * (a transaction is refused: use `strategy: 'transactional'`). A statement
 * the pipeline refuses (transaction control; a write under `'parallel'`)
 * rejects with `PipelineStatementError` and nothing is written.
 */
export async function sluiceBatch<
  // `| []` makes TypeScript infer a tuple from an array literal, as a `const` type parameter
  // would, in a declaration that TypeScript before 5.0 can still read
  Q extends readonly KyselyBatchQuery[] | [],
>(
  db: Kysely<any>,
  queries: Q,
  options: SluiceBatchOptions = {},
): Promise<SluiceBatchResult<{ -readonly [K in keyof Q]: KyselyBatchValue<Q[K]> }>> {
  if (db.isTransaction) {
    throw new TypeError('sluiceBatch(db): db is a transaction, but a batch runs on connections of its own; pass the Kysely instance and use strategy "transactional"')
  }
  if (!Array.isArray(queries)) throw new TypeError('sluiceBatch(db, queries): queries must be an array of Kysely queries')
  const pool = sluiceOf(db)
  // a builder's compile() takes no argument; a `sql` template's needs the instance (for its plugins)
  const compiled = queries.map((query): CompiledQuery => ('compile' in query ? (query as { compile(db: Kysely<any>): CompiledQuery }).compile(db) : query))
  const run = await runBatch(
    pool,
    compiled.map((query) => ({ sql: query.sql, params: query.parameters })),
    options,
  )
  const executor = db.getExecutor()
  const flavor = FLAVORS[pool.config.dialect.kind]
  const results = await Promise.all(
    run.outcomes.map(async (outcome, i): Promise<SluiceBatchOutcome<unknown>> => {
      if (outcome.status !== 'ok') return outcome
      const query = compiled[i]!
      // as Kysely's executor does after each statement: the plugins of `db`, in order
      let result = toKyselyResult(flavor, outcome.value)
      for (const plugin of executor.plugins) result = await plugin.transformResult({ result, queryId: query.queryId })
      return { status: 'ok', value: executeValue(query, result, executor.adapter) }
    }),
  )
  if ((run.strategy === 'sequential' || run.strategy === 'transactional') && run.report.succeeded < results.length) {
    throw new SluiceBatchError(run.strategy, results, run.report)
  }
  return { results, report: run.report } as unknown as SluiceBatchResult<{ -readonly [K in keyof Q]: KyselyBatchValue<Q[K]> }>
}

const FLAVORS: Record<DatabaseKind, DatabaseFlavor> = { postgres: POSTGRES_FLAVOR, mysql: MYSQL_FLAVOR, sqlite: SQLITE_FLAVOR }

/** The engine's result as the Sluice driver hands it to Kysely. */
function toKyselyResult(flavor: DatabaseFlavor, result: BatchItemResult): QueryResult<UnknownRow> {
  const converted = flavor.toKyselyResult<UnknownRow>(result)
  if (flavor.kind !== 'mysql' || converted.numAffectedRows === undefined) return converted
  // MySQL may fold same-shape INSERTs into one multi-row INSERT sharing one OK packet: the engine has each statement's own counts
  const insertId = result.insertId === undefined || BigInt(result.insertId) === 0n ? undefined : BigInt(result.insertId)
  return { ...converted, numAffectedRows: BigInt(result.affectedRows ?? 0), insertId }
}

/** What the builder's `execute()` makes of the result (Kysely 0.28's InsertQueryBuilder, UpdateQueryBuilder, ...). */
function executeValue(compiled: CompiledQuery, result: QueryResult<UnknownRow>, adapter: DialectAdapter): unknown {
  const query = compiled.query
  const node = query as { readonly returning?: unknown; readonly output?: unknown }
  const rows = (node.returning && adapter.supportsReturning) || (node.output && adapter.supportsOutput)
  if (rows) return result.rows
  if (InsertQueryNode.is(query)) return [new InsertResult(result.insertId, result.numAffectedRows ?? BigInt(0))]
  if (UpdateQueryNode.is(query)) return [new UpdateResult(result.numAffectedRows ?? BigInt(0), result.numChangedRows)]
  if (DeleteQueryNode.is(query)) return [new DeleteResult(result.numAffectedRows ?? BigInt(0))]
  if (MergeQueryNode.is(query)) return [new MergeResult(result.numAffectedRows)]
  return result.rows
}
