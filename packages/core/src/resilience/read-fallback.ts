import type { ReadFallback } from '../config/breaker-config.js'
import type { QueryResult, StatementKind } from '../dialect.js'
import { CircuitOpenError } from '../errors/circuit-open-error.js'

/**
 * A read the primary's open breaker refused (and no replica could take):
 * answered by the user's `breaker.fallback` instead. Anything else, a write
 * above all, fails as it did.
 */
export async function readFallback(fallback: ReadFallback, error: unknown, sql: string, params: readonly unknown[] | undefined, kind: StatementKind): Promise<QueryResult<any>> {
  if (!(error instanceof CircuitOpenError) || kind !== 'read') throw error
  const answer = await fallback(sql, params, error)
  return Array.isArray(answer) ? { rows: answer } : answer
}
