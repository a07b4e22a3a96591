/**
 * `sluiceBatch()`: queries built with Drizzle, sent together through one
 * Sluice pipeline (`sluiceOf(db).pipeline()`, see docs/pipelining.md). Each
 * query's `toSQL()` gives the SQL and parameters (already through the
 * columns' encoders), which go to the pipeline as they are; the pipeline does
 * the batching, this file only translates. Works on the node-postgres, mysql2
 * and better-sqlite3 databases alike: the pipeline borrows its own
 * connections from the pool behind `db`.
 */
import type { QueryResult } from '@sluice/core'
import { runBatch, SluiceBatchError, type SluiceBatchOptions, type SluiceBatchResult } from '@sluice/core/adapter'
import { is, Placeholder } from 'drizzle-orm'
import { SluiceSqliteClient } from './better-sqlite3/sluice-sqlite-client.js'
import { sluiceOf } from './sluice-of.js'

export { SluiceBatchError, type SluiceBatchOptions, type SluiceBatchOutcome, type SluiceBatchResult } from '@sluice/core/adapter'

/** What `sluiceBatch()` takes: any Drizzle query with `toSQL()` (select, insert, update, delete, relational queries). */
export interface DrizzleBatchQuery {
  toSQL(): { readonly sql: string; readonly params: readonly unknown[] }
}

/**
 * Runs queries built with Drizzle in one Sluice pipeline: sent together (one
 * round trip per batch on PostgreSQL), in order. Each query's value is the
 * engine's `QueryResult` (`rows` keyed by column name as the driver decodes
 * them, `affectedRows`, `insertId`, `command`), not Drizzle's mapped result:
 * Drizzle maps rows that arrive as arrays, by position, and a pipeline's rows
 * are objects (see docs/adapters/drizzle.md, Batching).
 *
 * ```ts
 * const { results, report } = await sluiceBatch(db, [
 *   db.insert(orders).values({ id: 1, total: 10 }),
 *   db.update(stock).set({ qty: 4 }).where(eq(stock.sku, 'A1')),
 *   db.select().from(orders),
 * ], { strategy: 'transactional' })
 * const rows = results[2].value?.rows
 * ```
 *
 * - `'sequential'` (default) and `'transactional'`: resolves when every
 *   statement succeeded; otherwise rejects with `SluiceBatchError` once all
 *   outcomes are known.
 * - `'best-effort'` and `'parallel'`: always resolves; each outcome has its
 *   `status` (`ok`, `error`, `not-run`, `rolled-back`).
 *
 * Runs on connections of its own, never inside a transaction (a `tx` is
 * refused: use `strategy: 'transactional'`). A statement the pipeline
 * refuses (transaction control; a write under `'parallel'`) rejects with
 * `PipelineStatementError` and nothing is written. Placeholders
 * (`sql.placeholder()`) are refused: a batch has no values to fill them with.
 */
export async function sluiceBatch<
  // `| []` makes TypeScript infer a tuple from an array literal, as a `const` type parameter
  // would, in a declaration that TypeScript before 5.0 can still read
  Q extends readonly DrizzleBatchQuery[] | [],
>(
  db: object,
  queries: Q,
  options: SluiceBatchOptions = {},
): Promise<SluiceBatchResult<{ -readonly [K in keyof Q]: QueryResult }>> {
  // databases have no rollback(); Drizzle's transactions (pg, mysql, sqlite) do
  if (typeof (db as { rollback?: unknown }).rollback === 'function') {
    throw new TypeError('sluiceBatch(db): db is a transaction, but a batch runs on connections of its own; pass the database and use strategy "transactional"')
  }
  if (!Array.isArray(queries)) throw new TypeError('sluiceBatch(db, queries): queries must be an array of Drizzle queries')
  const list: readonly DrizzleBatchQuery[] = queries
  const pool = sluiceOf(db)
  const client = (db as { $client?: unknown }).$client
  if (client instanceof SluiceSqliteClient && pool.config.max < 2) {
    // the client keeps one connection pinned for Drizzle's synchronous calls
    throw new TypeError('sluiceBatch(db): a batch needs a connection besides the pinned one, but the pool has max 1 (an in-memory database has only one)')
  }
  const statements = list.map((query, i) => {
    const { sql, params } = query.toSQL()
    if (params.some((param) => is(param, Placeholder))) throw new TypeError(`sluiceBatch: query #${i} has placeholders; build it with values`)
    return { sql, params }
  })
  const run = await runBatch(pool, statements, options)
  const results = run.outcomes
  if ((run.strategy === 'sequential' || run.strategy === 'transactional') && run.report.succeeded < results.length) {
    throw new SluiceBatchError(run.strategy, results, run.report)
  }
  return { results, report: run.report } as unknown as SluiceBatchResult<{ -readonly [K in keyof Q]: QueryResult }>
}
