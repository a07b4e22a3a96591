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
  /** Settings that build a dialect which is never connected, only asked for its capabilities (for a `connection` function). */
  readonly placeholderSettings: Record<string, unknown>
  /** Builds the Sluice dialect from Knex's connection settings (`client.connectionSettings`). */
  dialect(client: Knex.Client, settings: Record<string, unknown>, pool: ResolvedKnexPool): Dialect<any>
  /** What stock Knex does on each new connection before `afterCreate` (version check, `search_path`). */
  connectionSetup(client: Knex.Client, settings: Record<string, unknown>): SetupStep[]
  /** The bindings as the stock client hands them to its driver. */
  bindings(client: Knex.Client, bindings: unknown[] | undefined): unknown[] | undefined
  /** Translates the driver options of `.options({...})` (see queryOptions()); throws for one Sluice cannot honour. */
  runOptions(options: Record<string, unknown> | undefined): ExecuteOptions | undefined
  /** Sets `obj.response` (and `obj.context`) exactly as the stock `_query` would. */
  respond(obj: KnexQueryObject, result: QueryResult): void
}

/** How one per-query driver option (`.options({...})`) becomes Sluice run options. */
export type HonouredOption = (value: unknown) => ExecuteOptions | undefined

/**
 * What the adapter does with the per-query driver options of `.options({...})`,
 * for one driver. An option the stock driver honours is either honoured here
 * too, or refused with the reason (never silently dropped, as it would change
 * results). Any other key is ignored, as the stock driver ignores keys it does
 * not know (stock pg ignores mysql2's `nestTables`, and so on).
 */
export interface QueryOptionRules {
  readonly honoured: Readonly<Record<string, HonouredOption>>
  readonly refused: Readonly<Record<string, string>>
}

/** Rows as arrays, for the option that asks for them (`rowMode: 'array'`, `rowsAsArray: true`). */
export function arrayRowsWhen(expected: unknown): HonouredOption {
  return (value) => (value === expected ? { rowMode: 'array' } : undefined)
}

/** The Sluice run options for Knex's `.options({...})`; throws a TypeError naming an option Sluice cannot honour. */
export function queryOptions(options: Record<string, unknown> | undefined, rules: QueryOptionRules): ExecuteOptions | undefined {
  if (options === undefined) return undefined
  let result: ExecuteOptions | undefined
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    const refused = rules.refused[key]
    if (refused !== undefined) throw new TypeError(`@sluice/knex: the query option ${key} is not supported: ${refused}`)
    const honoured = rules.honoured[key]?.(value)
    if (honoured !== undefined) result = { ...result, ...honoured }
  }
  return result
}
