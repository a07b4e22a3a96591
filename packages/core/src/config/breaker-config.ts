import type { QueryResult } from '../dialect.js'
import type { CircuitOpenError } from '../errors/circuit-open-error.js'
import { ConfigError } from '../errors/config-error.js'
import type { BreakerSharing } from '../resilience/breaker-sharing.js'
import { BREAKER_DEFAULTS } from './defaults.js'
import { checkKnownKeys, finiteNumber, integer, millis } from './validators.js'

/**
 * What a read returns while the primary's breaker is open and no replica
 * can serve it: rows (or a whole result), e.g. from a cache. Throw (the
 * `error`, or your own) to fail the read after all.
 */
export type ReadFallback = (sql: string, params: readonly unknown[] | undefined, error: CircuitOpenError) => unknown[] | QueryResult | Promise<unknown[] | QueryResult>

/**
 * Options of the circuit breaker each database node (the primary, each
 * replica) has (`createPool({ breaker })`). It counts transport failures of
 * connects and statements (socket errors, timeouts, fatal server errors;
 * never a user's SQL error) and opens on whichever rule trips first.
 */
export interface BreakerOptions {
  /** Consecutive transport failures that open the breaker. Defaults to 5. */
  readonly failureThreshold?: number
  /** How long an open breaker fails calls at once before it probes the node (half-open). Defaults to 30 000. */
  readonly recoveryTimeoutMillis?: number
  /** Share of failed calls in the window (0-1] that opens the breaker, once `minCalls` were seen. Defaults to 0.5. */
  readonly errorRateThreshold?: number
  /** Calls in the window before the error rate counts. Defaults to 10. */
  readonly minCalls?: number
  /** The sliding window of the error rate. Defaults to 10 000. */
  readonly windowMillis?: number
  /** Calls let through at once while half-open; that many successes close the breaker. Defaults to 3. */
  readonly halfOpenMaxCalls?: number
  /** Answers reads while the primary's breaker is open (see {@link ReadFallback}). Defaults to none. */
  readonly fallback?: ReadFallback
  /** Shares the breakers' state with other instances of the application (`sharedBreaker()` of `@sluice/redis`). */
  readonly shared?: BreakerSharing
}

export interface ResolvedBreakerConfig {
  readonly failureThreshold: number
  readonly recoveryTimeoutMillis: number
  readonly errorRateThreshold: number
  readonly minCalls: number
  readonly windowMillis: number
  readonly halfOpenMaxCalls: number
  readonly fallback: ReadFallback | undefined
  readonly shared: BreakerSharing | undefined
}

const KNOWN: ReadonlySet<string> = new Set([...Object.keys(BREAKER_DEFAULTS), 'fallback', 'shared'])

/** `undefined` when the breaker is off (`breaker: false`). */
export function resolveBreakerConfig(options: BreakerOptions | false | undefined): ResolvedBreakerConfig | undefined {
  if (options === false) return undefined
  const input = options ?? {}
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('breaker', input, 'must be false or an object')
  checkKnownKeys('breaker.', input, KNOWN)
  const d = BREAKER_DEFAULTS
  const errorRateThreshold = finiteNumber('breaker.errorRateThreshold', input.errorRateThreshold ?? d.errorRateThreshold, 0)
  if (errorRateThreshold === 0 || errorRateThreshold > 1) throw new ConfigError('breaker.errorRateThreshold', errorRateThreshold, 'must be more than 0 and at most 1')
  if (input.fallback !== undefined && typeof input.fallback !== 'function') throw new ConfigError('breaker.fallback', input.fallback, 'must be a function (sql, params, error) => rows')
  if (input.shared !== undefined && typeof (input.shared as { join?: unknown } | null)?.join !== 'function') {
    throw new ConfigError('breaker.shared', input.shared, 'must be a breaker sharing such as sharedBreaker({ redis, key }) of @sluice/redis')
  }
  return Object.freeze({
    failureThreshold: integer('breaker.failureThreshold', input.failureThreshold ?? d.failureThreshold, 1),
    recoveryTimeoutMillis: millis('breaker.recoveryTimeoutMillis', input.recoveryTimeoutMillis ?? d.recoveryTimeoutMillis, 1),
    errorRateThreshold,
    minCalls: integer('breaker.minCalls', input.minCalls ?? d.minCalls, 1),
    windowMillis: millis('breaker.windowMillis', input.windowMillis ?? d.windowMillis, 10),
    halfOpenMaxCalls: integer('breaker.halfOpenMaxCalls', input.halfOpenMaxCalls ?? d.halfOpenMaxCalls, 1),
    fallback: input.fallback,
    shared: input.shared,
  })
}
