import { functionKey, type FunctionCall } from '../../sql/function-call.js'
import type { PgQueryConfig } from './pg-driver-types.js'

/** One function of `pg_proc` that a statement's call may resolve to. */
export interface CatalogueRow {
  readonly nspname: string
  readonly proname: string
  /** `i` immutable, `s` stable, `v` volatile. */
  readonly provolatile: string
  /** `f` function, `a` aggregate, `w` window, `p` procedure. */
  readonly prokind: string
  /** Whether `nspname` is on the session's search path (`current_schemas(true)`, pg_catalog included). */
  readonly on_path: boolean
}

/**
 * Every function with one of the called names, in any schema, with whether
 * its schema is on the connection's search path. Parameters are bound.
 */
export function functionSafetyQuery(calls: readonly FunctionCall[]): PgQueryConfig {
  const names = [...new Set(calls.map((call) => call.name))]
  return {
    text:
      'SELECT n.nspname, p.proname, p.provolatile::text AS provolatile, p.prokind::text AS prokind, ' +
      'n.nspname = ANY (pg_catalog.current_schemas(true)) AS on_path ' +
      'FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ' +
      'WHERE p.proname = ANY ($1::text[])',
    values: [names],
  }
}

/**
 * Judges each call by the functions it may resolve to: a qualified call by
 * every overload of that name in its schema, an unqualified one by every
 * overload in every schema on the search path (overload resolution may pick
 * any of them, so all must be safe). Safe means immutable or stable (which
 * PostgreSQL forbids to write) and, outside pg_catalog, a plain function or
 * a window function: a user's aggregate is marked immutable whatever its
 * transition function does. No candidate at all is unsafe (primary). An
 * unqualified built-in the classifier knows to be safe is judged by the
 * functions of the same name outside pg_catalog only: safe when there are
 * none, or all of them are safe.
 */
export function judgeFromCatalogue(calls: readonly FunctionCall[], rows: readonly CatalogueRow[]): Map<string, 'safe' | 'unsafe'> {
  const verdicts = new Map<string, 'safe' | 'unsafe'>()
  for (const call of calls) {
    let candidates = rows.filter((row) => row.proname === call.name && (call.schema === undefined ? row.on_path : row.nspname === call.schema))
    // a built-in the classifier knows to be safe (random() is volatile, yet reads only): judged by its shadows alone
    const builtin = call.builtin === 'safe' && call.schema === undefined
    if (builtin) candidates = candidates.filter((row) => row.nspname !== 'pg_catalog')
    const safe = (builtin || candidates.length > 0) && candidates.every(isSafe)
    verdicts.set(functionKey(call), safe ? 'safe' : 'unsafe')
  }
  return verdicts
}

function isSafe(row: CatalogueRow): boolean {
  if (row.provolatile !== 'i' && row.provolatile !== 's') return false
  return row.nspname === 'pg_catalog' || row.prokind === 'f' || row.prokind === 'w'
}
