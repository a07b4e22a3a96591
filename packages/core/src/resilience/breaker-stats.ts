export const BREAKER_STATES = ['closed', 'open', 'half-open'] as const
/**
 * `closed`: calls go through and are counted; `open`: calls fail at once
 * with `CircuitOpenError`; `half-open`: the node is pinged, then a bounded
 * number of calls go through to prove it serves again.
 */
export type BreakerState = (typeof BREAKER_STATES)[number]

/**
 * Why a breaker changed state: it opened on `consecutive-failures` or the
 * `error-rate`, a failed `probe` or a failure while `half-open`; it went
 * half-open at the `recovery-timeout`; it closed once the `trial` calls
 * succeeded; or another instance sharing it decided (`peer`).
 */
export type BreakerTransitionReason = 'consecutive-failures' | 'error-rate' | 'probe-failed' | 'half-open-failure' | 'recovery-timeout' | 'trial-succeeded' | 'peer'

/** One change of a node's breaker, as the `breaker` event reports it. */
export interface BreakerTransition {
  /** The node: the pool's name, or `name/replica-N`. */
  readonly node: string
  readonly from: BreakerState
  readonly to: BreakerState
  readonly reason: BreakerTransitionReason
  /** When, in ms since the epoch. */
  readonly at: number
  /** To `open`: when the breaker will probe, in ms since the epoch. */
  readonly retryAt: number | undefined
  /** The last transport failure counted against the node. */
  readonly lastError: Error | undefined
}

/** A node's breaker in `stats().breaker` and `routingStats().replicas[i].breaker`. */
export interface BreakerStats {
  readonly node: string
  readonly state: BreakerState
  /** When it entered this state, in ms since the epoch. */
  readonly since: number
  /** While open: ms until it probes the node. */
  readonly retryAfterMillis: number | undefined
  readonly consecutiveFailures: number
  /** Calls (connects and statements) in the sliding window, and how many of them failed. */
  readonly windowCalls: number
  readonly windowFailures: number
  /** windowFailures / windowCalls; 0 with no calls. */
  readonly errorRate: number
  /** Times it opened, went half-open and closed again since the pool started. */
  readonly opened: number
  readonly halfOpened: number
  readonly closed: number
  /** Calls failed at once with `CircuitOpenError`. */
  readonly rejected: number
  /** Message of the last transport failure counted. */
  readonly lastError: string | undefined
  /** Whether the state is shared with other instances (`breaker.shared`). */
  readonly shared: boolean
}
