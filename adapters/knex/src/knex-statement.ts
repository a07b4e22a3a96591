import type { StatementKind } from '@sluice/core'
import type { KnexQueryObject } from './knex-internals.js'

/** What Knex knows about one statement, beyond its text. */
export interface KnexStatement {
  readonly sql: string
  readonly bindings: unknown[] | undefined
  /**
   * The builder method that produced it (`select`, `first`, `pluck`,
   * `insert`, `update`, `del`, `counter`, `raw`, ...); undefined for schema
   * statements and Knex's own BEGIN/COMMIT.
   */
  readonly method: string | undefined
  /**
   * `write` when the method says so (a locking read included); otherwise
   * `unknown`: whether a select is a read is left to the engine's
   * classifier, which also checks the functions it calls.
   */
  readonly kind: StatementKind
}

const READ_METHODS = new Set(['select', 'first', 'pluck'])
const WRITE_METHODS = new Set(['insert', 'update', 'del', 'counter', 'upsert', 'truncate'])
// `.forUpdate()`, `.forShare()` and friends: a locking read belongs with the writes
const LOCKING_READ = /\b(for\s+(update|share|no\s+key\s+update|key\s+share)|lock\s+in\s+share\s+mode)\b[^'"`]*$/i

/**
 * Everything the adapter reads from Knex's statement object, in one place:
 * the hook where read/write routing will decide where a statement runs. Knex
 * knows a builder's intent exactly, which the SQL text alone often hides.
 */
export function knexStatement(obj: KnexQueryObject): KnexStatement {
  const { sql, bindings, method } = obj
  return { sql, bindings, method, kind: kindOf(method, sql) }
}

function kindOf(method: string | undefined, sql: string): StatementKind {
  if (method === undefined) return 'unknown'
  if (WRITE_METHODS.has(method)) return 'write'
  if (READ_METHODS.has(method) && LOCKING_READ.test(sql)) return 'write'
  return 'unknown'
}
