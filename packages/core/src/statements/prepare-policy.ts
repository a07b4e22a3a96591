import type { RunOptions } from '../dialect.js'
import { ConfigError } from '../errors/config-error.js'

/**
 * Which statements a dialect runs from its statement cache when the caller
 * does not say (`RunOptions.prepare` undefined):
 * - `'parameterized'`: statements with at least one parameter. Ad hoc SQL,
 *   transaction control and health checks carry none and stay out of the cache.
 * - `'all'`: every statement.
 * - `'explicit'`: only statements run with `prepare: true`.
 *
 * `prepare: true` and `prepare: false` on a statement always win.
 */
export const PREPARE_MODES = ['parameterized', 'all', 'explicit'] as const
export type PrepareMode = (typeof PREPARE_MODES)[number]

/** The statement-cache options every dialect shares, validated. @internal */
export interface ResolvedStatementCacheConfig {
  /** Prepared statements kept per connection; 0 disables the cache. */
  readonly statementCacheSize: number
  readonly prepare: PrepareMode
}

/** The most statements one connection may cache: far below every server's own limit. */
export const MAX_STATEMENT_CACHE_SIZE = 10_000

/** Validates `statementCacheSize` and `prepare` of a dialect config, applying the dialect's defaults. @internal */
export function resolveStatementCacheConfig(
  config: Readonly<Record<string, unknown>>,
  defaults: ResolvedStatementCacheConfig,
): ResolvedStatementCacheConfig {
  return { statementCacheSize: resolveSize(config.statementCacheSize, defaults.statementCacheSize), prepare: resolveMode(config.prepare, defaults.prepare) }
}

/** Whether a statement should run from the cache. @internal */
export function wantsCache(mode: PrepareMode, params: readonly unknown[] | undefined, options: RunOptions): boolean {
  if (options.prepare !== undefined) return options.prepare
  if (mode === 'all') return true
  return mode === 'parameterized' && params !== undefined && params.length > 0
}

function resolveSize(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_STATEMENT_CACHE_SIZE) {
    throw new ConfigError('dialect.statementCacheSize', value, `must be an integer from 0 (no cache) to ${MAX_STATEMENT_CACHE_SIZE}`)
  }
  return value
}

function resolveMode(value: unknown, fallback: PrepareMode): PrepareMode {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (PREPARE_MODES as readonly string[]).includes(value)) return value as PrepareMode
  throw new ConfigError('dialect.prepare', value, `must be one of ${PREPARE_MODES.map((m) => `'${m}'`).join(', ')}`)
}
