/**
 * `sluiceBatch()`: queries built with Knex, sent together through one Sluice
 * pipeline (`sluiceOf(knex).pipeline()`, see docs/pipelining.md). Each
 * builder's `toSQL().toNative()` gives the SQL and bindings, which go to the
 * pipeline as they are; the pipeline does the batching, this file only
 * translates.
 */
import { type BatchItemResult, type DatabaseKind } from '@sluice/core'
import { runBatch, SluiceBatchError, type PipelinedStatement, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult } from '@sluice/core/adapter'
import type { Knex } from 'knex'
import type { KnexQueryObject } from './knex-internals.js'
import { sluiceOf } from './sluice-of.js'

export { SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult } from '@sluice/core/adapter'

/** What `sluiceBatch()` takes: a query builder or `knex.raw(...)`, one statement each. */
export type KnexBatchQuery = Knex.QueryBuilder<any, any> | Knex.Raw<any>

/** The members of Knex's client the batch calls, which Knex's typings leave out or type loosely. */
interface KnexBatchClient extends Knex.Client {
  processResponse(obj: KnexQueryObject, runner: unknown): unknown
  /** better-sqlite3 only. */
  _formatBindings?(bindings: readonly unknown[] | undefined): unknown[]
}

/**
 * Runs queries built with Knex in one Sluice pipeline: sent together (one
 * round trip per batch on PostgreSQL), in order, and answered per query with
 * what awaiting the builder would have given (Knex's own `processResponse`
 * and `postProcessResponse`).
 *
 * ```ts
 * const { results, report } = await sluiceBatch(knex, [
 *   knex('orders').insert({ id: 1, total: 10 }),
 *   knex('stock').where({ sku: 'A1' }).decrement('qty', 1),
 *   knex('orders').select('*'),
 * ], { strategy: 'transactional' })
 * const orders = results[2].value // rows
 * ```
 *
 * - `'sequential'` (default) and `'transactional'`: resolves when every
 *   statement succeeded; otherwise rejects with `SluiceBatchError` once all
 *   outcomes are known.
 * - `'best-effort'` and `'parallel'`: always resolves; each outcome has its
 *   `status` (`ok`, `error`, `not-run`, `rolled-back`).
 *
 * Runs on connections of its own, never inside a transaction (a `trx` is
 * refused: use `strategy: 'transactional'`). A statement the pipeline
 * refuses (transaction control; a write under `'parallel'`) rejects with
 * `PipelineStatementError` and nothing is written. Per-query `.options()`
 * and `.timeout()` are refused: a batch cannot honour them.
 */
export async function sluiceBatch<
  // `| []` makes TypeScript infer a tuple from an array literal, as a `const` type parameter
  // would, in a declaration that TypeScript before 5.0 can still read
  Q extends readonly KnexBatchQuery[] | [],
>(
  knex: Knex,
  queries: Q,
  options: SluiceBatchOptions = {},
): Promise<SluiceBatchResult<{ -readonly [K in keyof Q]: Awaited<Q[K]> }>> {
  if ((knex as { isTransaction?: boolean }).isTransaction === true) {
    throw new TypeError('sluiceBatch(knex): this is a transaction, but a batch runs on connections of its own; pass the knex instance and use strategy "transactional"')
  }
  if (!Array.isArray(queries)) throw new TypeError('sluiceBatch(knex, queries): queries must be an array of Knex query builders')
  const list: readonly KnexBatchQuery[] = queries
  const pool = sluiceOf(knex)
  const client = knex.client as KnexBatchClient
  const kind = pool.config.dialect.kind
  const objects = list.map((query, i) => queryObject(client, kind, query, i))
  const run = await runBatch(pool, objects, options)
  const results = await Promise.all(
    run.outcomes.map(async (outcome, i): Promise<SluiceBatchOutcome<unknown>> => {
      if (outcome.status !== 'ok') return outcome
      const query = list[i]!
      // as Knex's runner does with a statement's answer
      const processed = await client.processResponse({ ...objects[i]!, ...responseOf(kind, outcome.value) }, client.runner(query))
      return { status: 'ok', value: client.postProcessResponse(processed, query.queryContext()) }
    }),
  )
  if ((run.strategy === 'sequential' || run.strategy === 'transactional') && run.report.succeeded < results.length) {
    throw new SluiceBatchError(run.strategy, results, run.report)
  }
  return { results, report: run.report } as unknown as SluiceBatchResult<{ -readonly [K in keyof Q]: Awaited<Q[K]> }>
}

/** The statement object Knex's runner would hand the client, with the bindings as the Sluice client sends them. */
function queryObject(client: KnexBatchClient, kind: DatabaseKind, query: KnexBatchQuery, index: number): KnexQueryObject & PipelinedStatement {
  const compiled = query.toSQL() as Knex.Sql | Knex.Sql[]
  if (Array.isArray(compiled)) throw new TypeError(`sluiceBatch: query #${index} compiles to ${compiled.length} statements; pass one statement per query`)
  const unsupported = Object.entries((compiled.options ?? {}) as Record<string, unknown>).find(([, value]) => value !== undefined)
  if (unsupported !== undefined) throw new TypeError(`sluiceBatch: query #${index} has the option ${unsupported[0]}, which a batch cannot honour`)
  if ((compiled as { timeout?: unknown }).timeout) throw new TypeError(`sluiceBatch: query #${index} has a timeout(), which a batch cannot honour (the pool's queryTimeoutMillis applies)`)
  // positional placeholders ($1 on PostgreSQL, ? elsewhere) and Knex's prepared bindings
  const native = compiled.toNative()
  // as the Sluice client's _query: better-sqlite3 gets Knex's formatting (Dates as epoch milliseconds, booleans as 0/1)
  const bindings = kind === 'sqlite' && client._formatBindings ? client._formatBindings(native.bindings) : [...native.bindings]
  const obj = { ...(compiled as unknown as KnexQueryObject), sql: native.sql, bindings }
  return Object.assign(obj, { params: bindings })
}

/** What the Sluice client's `_query` leaves on the statement object for `processResponse` (see dialects/*.ts). */
function responseOf(kind: DatabaseKind, result: BatchItemResult): Pick<KnexQueryObject, 'response' | 'context'> {
  const raw = result.raw
  if (kind === 'sqlite') {
    // rows of a reader, or the RunResult of a write with its context
    if (Array.isArray(raw) || typeof raw !== 'object' || raw === null) return { response: raw }
    const run = raw as { readonly lastInsertRowid: number | bigint; readonly changes: number }
    return { response: raw, context: { lastID: run.lastInsertRowid, changes: run.changes } }
  }
  if (kind === 'mysql') return { response: ownOkPacket(raw, result) }
  // PostgreSQL: pg's Result
  return { response: raw }
}

/**
 * mysql2's `[rows | OK packet, fields]`. MySQL may fold same-shape INSERTs
 * into one multi-row INSERT that shares one OK packet; each statement then
 * gets its own counts from the engine (its insertId only on the first).
 */
function ownOkPacket(raw: unknown, result: BatchItemResult): unknown {
  if (!Array.isArray(raw)) return raw
  const [packet, fields] = raw as [unknown, unknown]
  if (typeof packet !== 'object' || packet === null || Array.isArray(packet) || !('affectedRows' in packet)) return raw
  if (Number(packet.affectedRows) === result.affectedRows) return raw
  return [{ ...packet, affectedRows: result.affectedRows, insertId: result.insertId }, fields]
}
