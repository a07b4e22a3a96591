import type { Dialect, ExecuteOptions, QueryResult } from '@sluice/core'
import type { Knex } from 'knex'
import type { SetupStep } from './connection-setup.js'
import type { KnexQueryObject } from './knex-internals.js'
import type { ResolvedKnexPool } from './pool-options.js'

/**
 * What differs between the three Sluice Knex clients: how Knex's
 * `connection` becomes a Sluice dialect, what stock Knex does to each new
 * connection, and how a Sluice result becomes exactly what the stock
 * client's `_query` leaves in `obj.response`.
 */
export interface SluiceFlavor {
  /** Builds the Sluice dialect from Knex's connection settings (`client.connectionSettings`). */
  dialect(client: Knex.Client, settings: Record<string, unknown>, pool: ResolvedKnexPool): Dialect<any>
  /** What stock Knex does on each new connection before `afterCreate` (version check, `search_path`). */
  connectionSetup(client: Knex.Client, settings: Record<string, unknown>): SetupStep[]
  /** The bindings as the stock client hands them to its driver. */
  bindings(client: Knex.Client, bindings: unknown[] | undefined): unknown[] | undefined
  /** Translates the driver options of `.options({...})`; throws for one Sluice cannot honour. */
  runOptions(options: Record<string, unknown> | undefined): ExecuteOptions | undefined
  /** Sets `obj.response` (and `obj.context`) exactly as the stock `_query` would. */
  respond(obj: KnexQueryObject, result: QueryResult): void
}

/**
 * The one per-query driver option every dialect can honour: rows as arrays
 * (`rowMode: 'array'` on pg, `rowsAsArray: true` on mysql2). Any other
 * option is refused rather than silently dropped.
 */
export function arrayRowOptions(options: Record<string, unknown> | undefined, arrayOption?: readonly [string, unknown]): ExecuteOptions | undefined {
  if (options === undefined) return undefined
  let result: ExecuteOptions | undefined
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    if (arrayOption !== undefined && key === arrayOption[0]) {
      if (value === arrayOption[1]) result = { rowMode: 'array' }
      continue
    }
    throw new TypeError(
      `@sluice/knex: the query option ${key} is not supported: statements run through Sluice's dialect, which ${arrayOption ? `takes only ${arrayOption[0]}` : 'takes no per-query driver options'}`,
    )
  }
  return result
}
