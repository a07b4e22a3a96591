import type { ExecuteOptions, Params, QueryResult } from '@sluice/core'
import type { Mysql2QueryOptions } from './mysql2-driver-types.js'

/** One `query()` / `execute()` call of mysql2's promise API, as Sluice runs it. @internal */
export interface Mysql2Statement {
  readonly sql: string
  readonly params: Params | undefined
  readonly options: ExecuteOptions
}

/**
 * Reads mysql2's `query(sql | options, values?)`, or with `prepared` its
 * `execute()`, which runs the statement prepared (binary protocol) through the
 * engine's statement cache. `rowsAsArray` and `timeout` are honoured;
 * `typeCast` is not applied per statement (the pool's connections carry
 * Drizzle's, see mysql2-type-cast.ts).
 *
 * @internal
 */
export function readMysql2Query(sqlOrOptions: string | Mysql2QueryOptions, values: readonly unknown[] | undefined, prepared: boolean): Mysql2Statement {
  const options: Mysql2QueryOptions = typeof sqlOrOptions === 'string' ? { sql: sqlOrOptions } : sqlOrOptions
  if (typeof options?.sql !== 'string') throw new TypeError('query() needs SQL text or a { sql, values } options object')
  // nested rows would need the driver's own row builder; Drizzle never asks for them
  if (options.nestTables !== undefined) throw new TypeError('A Sluice mysql2 client does not support nestTables')
  const execute: { rowMode?: 'array'; timeoutMillis?: number; prepare?: boolean } = {}
  if (prepared) execute.prepare = true
  if (options.rowsAsArray === true) execute.rowMode = 'array'
  if (options.timeout !== undefined) execute.timeoutMillis = options.timeout
  return { sql: options.sql, params: values ?? options.values, options: execute }
}

/** mysql2's `[rows | ResultSetHeader, fields]` pair, as its promise API resolves. @internal */
export function toMysql2Result(result: QueryResult): unknown {
  if (result.raw !== undefined) return result.raw
  return [result.rows, result.fields ?? []]
}
