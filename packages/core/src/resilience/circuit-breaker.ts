import type { ResolvedBreakerConfig } from '../config/breaker-config.js'
import { CircuitOpenError } from '../errors/circuit-open-error.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { BreakerPeer, SharedBreakerNode } from './breaker-sharing.js'
import type { BreakerState, BreakerStats, BreakerTransition, BreakerTransitionReason } from './breaker-stats.js'
import { FailureWindow } from './failure-window.js'

/** What a breaker needs of the node it guards. */
export interface BreakerHost {
  /** The node's name (`sluice`, `sluice/replica-1`). */
  readonly node: string
  readonly clock: Clock
  /** Pings the node on a new or idle connection; resolves whether it answered. Never rejects. */
  probe(): Promise<boolean>
  /** Told of every change of state. */
  transitioned(transition: BreakerTransition): void
}

/**
 * One database node's circuit breaker. Closed, it counts the node's calls
 * (connects and statements) and its transport failures, and opens on
 * whichever rule trips first: `failureThreshold` consecutive failures, or
 * an error rate of at least `errorRateThreshold` over the sliding window
 * once `minCalls` calls were seen there. Open, it refuses calls (the caller
 * throws `rejection()`) until `recoveryTimeoutMillis` pass on a background
 * timer (no caller waits on it). Half-open, it pings the node first, then
 * lets up to `halfOpenMaxCalls` calls through at a time, and closes once
 * that many succeeded; any transport failure opens it again.
 *
 * With `shared`, other instances learn when this one opens or closes, this
 * one follows theirs, and only one instance probes at a time.
 */
export class CircuitBreaker {
  readonly #config: ResolvedBreakerConfig
  readonly #host: BreakerHost
  readonly #clock: Clock
  readonly #window: FailureWindow
  readonly #shared: SharedBreakerNode | undefined
  #state: BreakerState = 'closed'
  /** Half-open: false while the ping is under way, true once calls may go through. */
  #trial = false
  #consecutive = 0
  #since: number
  #retryAt = 0
  #timer: TimerHandle | undefined
  #permits = 0
  #trialSuccesses = 0
  #lastError: Error | undefined
  #opened = 0
  #halfOpened = 0
  #closed = 0
  #rejected = 0
  #stopped = false

  constructor(config: ResolvedBreakerConfig, host: BreakerHost) {
    this.#config = config
    this.#host = host
    this.#clock = host.clock
    this.#window = new FailureWindow(config.windowMillis)
    this.#since = host.clock.now()
    const peer: BreakerPeer = {
      opened: (retryAt, lastError) => this.#peerOpened(retryAt, lastError),
      probed: () => this.#peerProbed(),
      closed: () => this.#peerClosed(),
    }
    this.#shared = config.shared?.join(host.node, peer)
  }

  get state(): BreakerState {
    return this.#state
  }

  /**
   * Whether a call may go to the node now. Only called while the breaker is
   * not closed. A call let through while half-open holds a permit until
   * `releasePermit()`.
   */
  admit(): boolean {
    if (this.#state !== 'half-open' || !this.#trial || this.#permits >= this.#config.halfOpenMaxCalls) return false
    this.#permits++
    return true
  }

  releasePermit(): void {
    if (this.#permits > 0) this.#permits--
  }

  /** The error a refused call fails with. */
  rejection(): CircuitOpenError {
    this.#rejected++
    const now = this.#clock.now()
    const retryAfter = this.#state === 'open' ? Math.max(0, this.#retryAt - now) : 0
    return new CircuitOpenError(this.#host.node, this.#epoch(this.#since, now), retryAfter, this.#lastError)
  }

  /** A call succeeded (or failed with the statement's own error: the node answered). `now` is the caller's clock reading. */
  recordSuccess(now: number): void {
    this.#consecutive = 0
    this.#window.record(now, false)
    if (this.#state === 'half-open' && this.#trial && ++this.#trialSuccesses >= this.#config.halfOpenMaxCalls) this.#close('trial-succeeded')
  }

  /** A call failed at the transport level (socket, timeout, fatal server error, failed connect). */
  recordFailure(error: Error, now: number): void {
    this.#lastError = error
    this.#consecutive++
    this.#window.record(now, true)
    if (this.#state === 'half-open') return this.#open('half-open-failure', now + this.#config.recoveryTimeoutMillis)
    if (this.#state !== 'closed') return
    const { failureThreshold, minCalls, errorRateThreshold, recoveryTimeoutMillis } = this.#config
    if (this.#consecutive >= failureThreshold) this.#open('consecutive-failures', now + recoveryTimeoutMillis)
    else if (this.#window.calls >= minCalls && this.#window.rate >= errorRateThreshold) this.#open('error-rate', now + recoveryTimeoutMillis)
  }

  stats(): BreakerStats {
    const now = this.#clock.now()
    this.#window.expire(now)
    return {
      node: this.#host.node,
      state: this.#state,
      since: this.#epoch(this.#since, now),
      retryAfterMillis: this.#state === 'open' ? Math.max(0, Math.round(this.#retryAt - now)) : undefined,
      consecutiveFailures: this.#consecutive,
      windowCalls: this.#window.calls,
      windowFailures: this.#window.failures,
      errorRate: this.#window.rate,
      opened: this.#opened,
      halfOpened: this.#halfOpened,
      closed: this.#closed,
      rejected: this.#rejected,
      lastError: this.#lastError?.message,
      shared: this.#shared !== undefined,
    }
  }

  /** The pool closed: no more timers, no more sharing. */
  stop(): void {
    this.#stopped = true
    this.#disarm()
    this.#shared?.leave()
  }

  #open(reason: BreakerTransitionReason, retryAt: number): void {
    const from = this.#state
    this.#state = 'open'
    this.#trial = false
    this.#permits = 0
    this.#since = this.#clock.now()
    this.#retryAt = retryAt
    this.#opened++
    this.#arm(retryAt - this.#since)
    const transition = this.#transition(from, reason)
    if (reason !== 'peer') this.#shared?.publishOpen(transition.retryAt!, this.#lastError?.message ?? '')
    this.#host.transitioned(transition)
  }

  /** The recovery timeout passed: probe, or (shared) let the instance that claimed the probe do it. */
  #recoveryDue(): void {
    if (this.#state !== 'open' || this.#stopped) return
    if (!this.#shared) return this.#halfOpen()
    void this.#shared.claimProbe(this.#config.recoveryTimeoutMillis).then((mine) => {
      if (this.#state !== 'open' || this.#stopped) return
      if (mine) return this.#halfOpen()
      // another instance probes: wait for its verdict, and try again if none comes
      this.#retryAt = this.#clock.now() + this.#config.recoveryTimeoutMillis
      this.#arm(this.#config.recoveryTimeoutMillis)
    })
  }

  #halfOpen(): void {
    this.#state = 'half-open'
    this.#trial = false
    this.#trialSuccesses = 0
    this.#since = this.#clock.now()
    this.#halfOpened++
    this.#host.transitioned(this.#transition('open', 'recovery-timeout'))
    const pinging = this.#since
    void this.#host.probe().then((answered) => {
      // a failure meanwhile re-opened it, or a peer closed it
      if (this.#state !== 'half-open' || this.#since !== pinging) return
      if (!answered) return this.#open('probe-failed', this.#clock.now() + this.#config.recoveryTimeoutMillis)
      this.#trial = true
      this.#shared?.publishProbed()
      // the ping is the first success
      if (++this.#trialSuccesses >= this.#config.halfOpenMaxCalls) this.#close('trial-succeeded')
    })
  }

  /** Another instance's ping answered: trial calls here too, without a ping of our own. */
  #peerProbed(): void {
    if (this.#stopped || this.#state !== 'open') return
    this.#disarm()
    this.#state = 'half-open'
    this.#trial = true
    this.#trialSuccesses = 0
    this.#since = this.#clock.now()
    this.#halfOpened++
    this.#host.transitioned(this.#transition('open', 'peer'))
  }

  #close(reason: BreakerTransitionReason): void {
    const from = this.#state
    this.#state = 'closed'
    this.#trial = false
    this.#permits = 0
    this.#consecutive = 0
    this.#window.reset()
    this.#since = this.#clock.now()
    this.#closed++
    this.#disarm()
    if (reason !== 'peer') this.#shared?.publishClose()
    this.#host.transitioned(this.#transition(from, reason))
  }

  #peerOpened(retryAtEpochMillis: number, lastError: string): void {
    if (this.#stopped) return
    const now = this.#clock.now()
    const retryAt = now + Math.max(0, retryAtEpochMillis - Date.now())
    if (lastError !== '') this.#lastError = new Error(lastError)
    if (this.#state !== 'open') return this.#open('peer', retryAt)
    // already open here: follow the later of the two retry times
    if (retryAt > this.#retryAt) {
      this.#retryAt = retryAt
      this.#arm(retryAt - now)
    }
  }

  #peerClosed(): void {
    if (!this.#stopped && this.#state !== 'closed') this.#close('peer')
  }

  #transition(from: BreakerState, reason: BreakerTransitionReason): BreakerTransition {
    const now = this.#clock.now()
    return {
      node: this.#host.node,
      from,
      to: this.#state,
      reason,
      at: this.#epoch(now, now),
      retryAt: this.#state === 'open' ? this.#epoch(this.#retryAt, now) : undefined,
      lastError: this.#lastError,
    }
  }

  /** A time of the clock, in ms since the epoch. */
  #epoch(time: number, now: number): number {
    return Math.round(Date.now() - (now - time))
  }

  #arm(delayMillis: number): void {
    this.#disarm()
    if (this.#stopped) return
    // nobody waits on it (calls fail at once meanwhile): it never keeps the process alive
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      this.#recoveryDue()
    }, Math.max(0, delayMillis), 'background')
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
