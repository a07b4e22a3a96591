/**
 * The one place that reaches into Knex's own files. Knex publishes its
 * dialect clients (`Client_PG`, `Client_MySQL2`, `Client_BetterSQLite3`) only
 * as CommonJS modules without typings, so they are loaded through
 * `createRequire` and typed here as the `Knex.Client` they extend, plus the
 * few untyped members the adapter calls.
 */
import { createRequire } from 'node:module'
import knex, { type Knex } from 'knex'

// not named `require`: in the CommonJS build that name is the module's own and cannot be redeclared
const requireFromHere = createRequire(import.meta.url)
const dialects = requireFromHere('knex/lib/dialects/index.js') as { getDialectByNameOrAlias(name: string): KnexClientClass }

/** The constructor of a Knex client (`knex.Client` or one of its dialects). */
export type KnexClientClass = typeof Knex.Client

/** Knex's stock client class for a driver, e.g. `'pg'` → `Client_PG`. */
export function knexDialectClient(name: 'pg' | 'mysql2' | 'better-sqlite3'): KnexClientClass {
  return dialects.getDialectByNameOrAlias(name)
}

/** Knex's Runner, as far as the adapter extends it: runs a builder's statements on a connection it borrows from `client`. */
export interface KnexRunner {
  readonly client: Knex.Client
  readonly builder: { readonly sql?: unknown; readonly bindings?: unknown }
  query(obj: KnexQueryObject): Promise<unknown>
}

/** Knex's Runner class (`client.runner(builder)` makes one per query). */
export const KnexRunnerClass = requireFromHere('knex/lib/execution/runner.js') as new (client: Knex.Client, builder: unknown) => KnexRunner

/** Knex's own timeout error, the class `instanceof` checks in apps expect. */
export const KnexTimeoutError = knex.KnexTimeoutError

/**
 * The statement object Knex hands a client's `_query` (after
 * `enrichQueryObject`), on which `_query` leaves the driver's answer for
 * `processResponse`.
 */
export interface KnexQueryObject {
  sql: string
  bindings?: unknown[]
  /** Set by `.timeout(ms, { cancel: true })`. */
  cancelOnTimeout?: boolean
  /** What the builder does: `select`, `first`, `pluck`, `insert`, `update`, `del`, `counter`, `raw`... */
  method?: string
  /** Driver options from `.options({...})`; an empty object when none were given. */
  options?: Record<string, unknown>
  returning?: unknown
  response?: unknown
  /** SQLite only: `{ lastID, changes }` of a statement that returns no rows. */
  context?: unknown
}
