import { ConfigError } from '../../errors/config-error.js'

/**
 * What sits between the PostgreSQL dialect and the server, as far as named
 * prepared statements care:
 * - `'auto'`: find out. Each connection compares the backend pid the server
 *   reports (`pg_backend_pid()`) with the one it was given at connect; a
 *   transaction pooler (PgBouncer, pgcat, Odyssey, ...) hands out its own.
 *   A mismatch, or a cached statement the server no longer knows, turns named
 *   statements off for the whole dialect (logged once, as a process warning).
 * - `'none'`: a direct connection, or a pooler in session mode: named
 *   statements are safe; no check.
 * - `'transaction'`: a transaction pooler (PgBouncer `pool_mode = transaction`
 *   before 1.21, or without `max_prepared_statements`): every statement runs
 *   unnamed, nothing is cached.
 */
export const PG_POOLER_MODES = ['auto', 'none', 'transaction'] as const
export type PgPoolerMode = (typeof PG_POOLER_MODES)[number]

/** Defaults to `'auto'`. */
export const DEFAULT_PG_POOLER: PgPoolerMode = 'auto'

/** Validates the `pooler` option. @internal */
export function resolvePgPooler(value: unknown): PgPoolerMode {
  if (value === undefined) return DEFAULT_PG_POOLER
  if (typeof value === 'string' && (PG_POOLER_MODES as readonly string[]).includes(value)) return value as PgPoolerMode
  throw new ConfigError('dialect.pooler', value, `must be one of ${PG_POOLER_MODES.map((m) => `'${m}'`).join(', ')}`)
}
