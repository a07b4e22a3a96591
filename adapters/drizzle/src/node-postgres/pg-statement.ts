import type { ExecuteOptions, Params, QueryResult } from '@sluice/core'
import type { PgCallback, PgQueryConfig } from './pg-driver-types.js'

/** Runs one statement on Sluice: `pool.execute()` or a checked-out connection's `execute()`. @internal */
export type Execute = (sql: string, params: Params | undefined, options: ExecuteOptions) => Promise<QueryResult>

/**
 * pg's `query(text | config, values?, callback?)` on Sluice, resolving to pg's
 * own `Result` (one per statement for a multi-statement query), as Drizzle
 * expects it. `rowMode: 'array'` is honoured; a `name` (Drizzle's
 * `.prepare('name')`) asks the engine's statement cache to prepare the
 * statement (under a name of its own); `types` is not applied per statement:
 * Sluice has no per-statement parsers, so the pool's connections carry the
 * ones Drizzle passes (see pg-type-parsers.ts).
 *
 * @internal
 */
export function runPgQuery(execute: Execute, textOrConfig: unknown, values?: unknown, callback?: unknown): Promise<any> | undefined {
  const cb = typeof values === 'function' ? values : callback
  // a promise chain rather than an async function: one step fewer per statement; a synchronous throw still rejects
  let running: Promise<unknown>
  try {
    const config = readConfig(textOrConfig)
    const params = Array.isArray(values) ? values : config.values
    running = execute(config.text, params, executeOptions(config)).then(toPgResult)
  } catch (error) {
    running = Promise.reject(error as Error)
  }
  return settle(running, typeof cb === 'function' ? (cb as PgCallback<unknown>) : undefined)
}

/** pg's own `Result` as the engine kept it, or one in its shape. */
function toPgResult(result: QueryResult): unknown {
  return result.raw ?? { command: result.command ?? null, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows, fields: result.fields ?? [] }
}

// the four option sets a statement can run with, made once (frozen: the engine only reads them)
const NO_OPTIONS: ExecuteOptions = Object.freeze({})
const ARRAY_ROWS: ExecuteOptions = Object.freeze({ rowMode: 'array' })
const PREPARED: ExecuteOptions = Object.freeze({ prepare: true })
const PREPARED_ARRAY_ROWS: ExecuteOptions = Object.freeze({ rowMode: 'array', prepare: true })

function executeOptions(config: PgQueryConfig): ExecuteOptions {
  const arrays = config.rowMode === 'array'
  // otherwise the dialect's prepare policy decides (by default: statements with parameters)
  if (typeof config.name === 'string' && config.name !== '') return arrays ? PREPARED_ARRAY_ROWS : PREPARED
  return arrays ? ARRAY_ROWS : NO_OPTIONS
}

function readConfig(textOrConfig: unknown): PgQueryConfig {
  if (typeof textOrConfig === 'string') return { text: textOrConfig }
  const config = (textOrConfig ?? {}) as Partial<PgQueryConfig> & { submit?: unknown }
  if (typeof config.submit === 'function') {
    // pg-cursor and pg-query-stream drive the protocol themselves, past the pool's connection actor
    throw new TypeError('A Sluice pg client cannot run submittables (pg-cursor, pg-query-stream); use sluiceOf(db).acquire() and stream()')
  }
  if (typeof config.text !== 'string') throw new TypeError('query() needs SQL text or a { text, values } config')
  return config as PgQueryConfig
}

/** pg's dual API: a promise, or with a callback `undefined` and the callback called once. @internal */
export function settle<T>(running: Promise<T>, callback: PgCallback<T> | undefined): Promise<T> | undefined {
  if (callback === undefined) return running
  running.then(
    (value) => callback(undefined, value),
    (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
  )
  return undefined
}
