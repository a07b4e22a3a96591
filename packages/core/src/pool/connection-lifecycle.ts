import { LIFETIME_JITTER, PERMANENT_ERROR_RETRY_MILLIS } from '../config/defaults.js'
import type { ResolvedPoolConfig } from '../config/pool-config.js'
import { adjustHealth, HEALTH } from '../connection/health-score.js'
import type { Lease } from '../connection/lease.js'
import { PoolEntry } from '../connection/pool-entry.js'
import type { Dialect, ServerRoom } from '../dialect.js'
import { HealthCheckTimeoutError } from '../errors/health-check-timeout-error.js'
import { PermanentConnectError } from '../errors/permanent-connect-error.js'
import { PoolClosedError } from '../errors/pool-closed-error.js'
import { ResetTimeoutError } from '../errors/reset-timeout-error.js'
import type { RetireReason } from '../housekeeping/housekeeper.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import type { CircuitBreaker } from '../resilience/circuit-breaker.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import type { TypedEmitter } from '../util/typed-emitter.js'
import { withTimeout } from '../util/with-timeout.js'
import type { ConnectionBag } from './connection-bag.js'
import type { PoolEvents } from './pool-events.js'

/** What the lifecycle needs of the pool it runs for. */
export interface LifecycleHost {
  readonly config: ResolvedPoolConfig
  readonly clock: Clock
  readonly log: Logger
  readonly counters: PoolCounters
  readonly events: TypedEmitter<PoolEvents>
  readonly bag: ConnectionBag
  /** The node's breaker: told of every connect's outcome; while open, nothing is opened. */
  readonly breaker: CircuitBreaker | undefined
  started(): boolean
  closed(): boolean
  /** Connections kept open: `min`, or the adaptive target. */
  floor(): number
  /** The most connections that may be open: `max`, or less when the server has less room. */
  ceiling(): number
  /** Work a new connection does before it is first lent (adaptive sizing reads the server's room on it); undefined for none. Never rejects. */
  afterConnect?(raw: unknown): Promise<void> | undefined
}

/**
 * A connection's life from connect to close (HikariCP's PoolBase): opening
 * (with `onConnect` set-up and back-off after failures), replenishing for
 * waiters and up to `min`, health checks, taking a connection back (reset
 * first where needed), losing and retiring it. The housekeeper drives the
 * periodic part; every change of an entry's place goes through the bag.
 */
export class ConnectionLifecycle {
  readonly #host: LifecycleHost
  readonly #dialect: Dialect<any>
  readonly #creating = new Set<Promise<void>>()
  readonly #closing = new Set<Promise<void>>()
  #sequence = 0
  #lastCreateError: Error | undefined
  /** Set while the last connect failed in a way retrying cannot fix. */
  #permanent: PermanentConnectError | undefined
  #createFailures = 0
  #retryAt = 0
  #retryTimer: TimerHandle | undefined
  #drained: (() => void) | undefined
  /** Set while a reading of the server's room waits for a connection to come back. */
  #roomOnReturn: ((entry: PoolEntry) => void) | undefined

  constructor(host: LifecycleHost) {
    this.#host = host
    this.#dialect = host.config.dialect
  }

  /** Connects in flight. */
  get creating(): number {
    return this.#creating.size
  }

  /** The last connect error, until a connect succeeds. */
  get lastCreateError(): Error | undefined {
    return this.#lastCreateError
  }

  /** Matches waiters with idle connections, then opens connections for whoever still waits. */
  dispatch(): void {
    this.#host.bag.serveWaiters()
    this.replenish()
  }

  /** Opens connections for waiters and up to `min`, respecting `max` and the back-off after failures. */
  replenish(): void {
    const { bag, clock } = this.#host
    const open = bag.total + this.#creating.size
    // a full pool has nothing to open: every waiting acquire passes here
    const ceiling = this.#host.ceiling()
    if (open >= ceiling) return
    if (this.#host.closed() || !this.#host.started()) return
    // an open breaker spares the node: only its probe connects
    if (this.#host.breaker?.state === 'open') return
    const forWaiters = bag.waiting - this.#creating.size
    const forFloor = this.#host.floor() - open
    let wanted = Math.min(Math.max(forWaiters, forFloor), ceiling - open)
    if (wanted <= 0) return
    const now = clock.now()
    // after a permanent error a new acquire still tries once at once; refilling `min` waits the long back-off
    const retryNow = this.#permanent !== undefined && bag.waiting > 0 && this.#creating.size === 0
    if (now < this.#retryAt && !retryNow) {
      // a retry someone waits on keeps the process alive; refilling `min` alone does not
      this.#retryTimer ??= clock.setTimeout(
        () => {
          this.#retryTimer = undefined
          this.dispatch()
        },
        this.#retryAt - now,
        bag.waiting > 0 ? 'awaited' : 'background',
      )
      return
    }
    // while the database is failing, probe with one connection at a time
    if (this.#createFailures > 0) wanted = Math.min(wanted, 1 - this.#creating.size)
    for (let i = 0; i < wanted; i++) this.#open()
  }

  /** Opens up to `need` connections beyond those idle or opening (within `max`); resolves with how many it opened. */
  async preWarm(need: number): Promise<number> {
    const { bag } = this.#host
    const free = bag.idle + this.#creating.size
    const room = this.#host.ceiling() - bag.total - this.#creating.size
    const count = Math.max(0, Math.min(need - free, room))
    if (count === 0) return 0
    const opening: Promise<void>[] = []
    for (let i = 0; i < count; i++) opening.push(this.#open())
    await Promise.all(opening)
    return count
  }

  /** Resolves once `min` connections are open; rejects with the connect error while the database cannot be reached. */
  async warmUp(): Promise<void> {
    const { bag, config } = this.#host
    while (bag.total < config.min) {
      if (this.#host.closed()) throw new PoolClosedError(config.name, 'get ready')
      if (this.#creating.size === 0) {
        // in back-off after a failure: report it rather than wait blindly
        if (this.#lastCreateError) throw this.#permanent ?? this.#lastCreateError
        this.dispatch()
        if (this.#creating.size === 0) return
      }
      await Promise.race(this.#creating)
      if (this.#lastCreateError) throw this.#permanent ?? this.#lastCreateError
    }
  }

  /** A borrower gave its lease back: closed if it must be, reset if it needs it, else idle again. */
  giveBack(lease: Lease, destroy: Error | undefined): void {
    const { bag, events, clock, config, counters } = this.#host
    const now = clock.now()
    counters.usageSeconds.observe((now - lease.acquiredAt) / 1000)
    const entry = bag.takeBack(lease)
    if (events.has('release')) events.emit('release', entry.id)
    if (destroy) return this.retire(entry, 'destroyed')
    if (entry.brokenBy) return this.retire(entry, 'broken')
    if (this.#host.closed()) return this.retire(entry, 'pool-closed')
    if (now >= entry.expiresAt) return this.retire(entry, 'lifetime')
    if (entry.busy || config.resetOnRelease === 'full' || this.inTransaction(entry)) return void this.#resetThenReturn(entry)
    entry.verifiedAt = now
    const readRoom = this.#roomOnReturn
    if (readRoom) {
      // stays reserved while it reads the room, then goes idle (or to a waiter)
      this.#roomOnReturn = undefined
      return readRoom(entry)
    }
    bag.makeIdle(entry, now)
  }

  inTransaction(entry: PoolEntry): boolean {
    return this.#dialect.inTransaction?.(entry.raw) ?? entry.transactionByKeywords
  }

  /**
   * The breaker's half-open probe: pings the most recently used idle
   * connection, or a new one (opened now, whatever the back-off) when none is
   * idle. Resolves whether the node answered; with no room to open one, the
   * trial calls will tell.
   */
  async probe(): Promise<boolean> {
    const { bag, config } = this.#host
    let entry = bag.idleEntries().at(-1)
    if (entry === undefined) {
      if (bag.total + this.#creating.size >= config.max) return true
      await this.#open()
      entry = bag.idleEntries().at(-1)
      if (entry === undefined) return false
    }
    return this.checkHealth(entry)
  }

  /** Pings an idle connection while it is reserved, so no borrower can receive it meanwhile; resolves whether it answered. */
  async checkHealth(entry: PoolEntry): Promise<boolean> {
    const { bag, config, clock, log } = this.#host
    if (!bag.reserve(entry)) return true
    let answered = true
    const { healthCheckQuery, healthCheckTimeoutMillis, healthCheckSlowMillis } = config
    const started = clock.now()
    try {
      await withTimeout(
        entry.run((raw) => this.#dialect.ping(raw, healthCheckQuery)),
        healthCheckTimeoutMillis,
        clock,
        'background',
        () => new HealthCheckTimeoutError(entry.id, healthCheckTimeoutMillis),
      )
      const took = clock.now() - started
      entry.health = adjustHealth(entry.health, took > healthCheckSlowMillis ? HEALTH.checkSlow : HEALTH.checkPassed)
      entry.verifiedAt = clock.now()
    } catch (error) {
      const err = asError(error)
      // a timed-out check may still be running, and a fatal one left nothing usable
      if (error instanceof HealthCheckTimeoutError || this.#dialect.isFatal(error)) entry.markBroken(err)
      else entry.health = adjustHealth(entry.health, HEALTH.checkFailed)
      log('warn', `health check of ${entry.id} failed: ${err.message} (health ${entry.health})`, { connectionId: entry.id, health: entry.health, durationMs: clock.now() - started, error: err }, 'connection')
      answered = false
    }
    if (entry.state !== 'reserved') return answered
    if (this.#host.closed()) this.retire(entry, 'pool-closed')
    else if (entry.brokenBy) this.retire(entry, 'broken')
    else if (entry.health < config.healthThreshold) this.retire(entry, 'health')
    else bag.makeIdle(entry, clock.now())
    return answered
  }

  /**
   * Reads the server's room on the most recently used idle connection, or,
   * when none is idle, on the next one given back, reserved meanwhile like a
   * health check; undefined when the dialect cannot tell.
   */
  readServerRoom(): Promise<ServerRoom | undefined> {
    const { bag } = this.#host
    if (this.#dialect.serverRoom === undefined) return Promise.resolve(undefined)
    const entry = bag.idleEntries().at(-1)
    if (entry !== undefined && bag.reserve(entry)) return this.#readRoomOn(entry)
    return new Promise((resolve, reject) => (this.#roomOnReturn = (next) => this.#readRoomOn(next).then(resolve, reject)))
  }

  async #readRoomOn(entry: PoolEntry): Promise<ServerRoom> {
    const { bag, config, clock } = this.#host
    const limit = config.healthCheckTimeoutMillis
    try {
      return await withTimeout(
        entry.run((raw) => this.#dialect.serverRoom!(raw)),
        limit,
        clock,
        'background',
        () => new HealthCheckTimeoutError(entry.id, limit),
      )
    } catch (error) {
      // a read that timed out may still be running: the connection goes
      if (error instanceof HealthCheckTimeoutError || this.#dialect.isFatal(error)) entry.markBroken(asError(error))
      throw error
    } finally {
      if (entry.state === 'reserved') {
        if (this.#host.closed()) this.retire(entry, 'pool-closed')
        else if (entry.brokenBy) this.retire(entry, 'broken')
        else bag.makeIdle(entry, clock.now())
      }
    }
  }

  /** A connection failed outside any statement (server restart, killed backend). */
  lost(entry: PoolEntry, error: Error): void {
    if (entry.state === 'closing' || entry.state === 'closed') return
    entry.markBroken(error)
    if (entry.state !== 'idle') return // its borrower or the housekeeper gives it back, and then it is closed
    this.#host.log('warn', `connection ${entry.id} was lost while idle (${error.message}); replacing it`, { connectionId: entry.id, error }, 'connection')
    this.retire(entry, 'broken')
    this.#host.events.emit('error', error, entry.id)
  }

  /** Takes a connection out of the bag and closes it; then refills, or tells a closing pool it may be drained. */
  retire(entry: PoolEntry, reason: RetireReason): void {
    const { bag, counters, log, events } = this.#host
    if (!bag.remove(entry)) return
    this.#keepStatementTotals(entry)
    if (reason !== 'pool-closed') counters.recycled++
    counters.countClosed(reason)
    log('debug', `closing connection ${entry.id} (${reason})`, { connectionId: entry.id, reason, ageMs: Math.round(this.#host.clock.now() - entry.createdAt) }, 'connection')
    if (events.has('remove')) events.emit('remove', entry.id, reason)
    this.#track(
      this.#dialect.close(entry.raw).then(() => {
        entry.state = 'closed'
      }),
    )
    if (!this.#host.closed()) this.dispatch()
    else if (bag.total === 0) this.#drained?.()
  }

  /**
   * The connections' part of `close()`: closes idle connections, waits up to
   * `closeTimeoutMillis` for borrowed ones to come back (then takes them),
   * and waits for every connect and close in flight.
   */
  async shutDown(timeoutMillis: number): Promise<void> {
    const { bag, clock, log } = this.#host
    if (this.#retryTimer) clock.clearTimeout(this.#retryTimer)
    for (const entry of [...bag.idleEntries()]) this.retire(entry, 'pool-closed')
    if (bag.total > 0) {
      const drained = new Promise<void>((resolve) => (this.#drained = resolve))
      // close() waits on it: it keeps the process alive
      const timer = clock.setTimeout(() => this.#drained?.(), timeoutMillis, 'awaited')
      await drained
      clock.clearTimeout(timer)
      for (const entry of [...bag.entries()]) {
        log('warn', `closing connection ${entry.id} that was still ${entry.state} after ${timeoutMillis}ms`, { connectionId: entry.id, state: entry.state, waitedMs: timeoutMillis })
        entry.lease?.revoke()
        this.retire(entry, 'pool-closed')
      }
    }
    await Promise.all([...this.#creating])
    while (this.#closing.size > 0) await Promise.all([...this.#closing])
  }

  #open(): Promise<void> {
    const startedAt = this.#host.clock.now()
    let connecting: Promise<unknown>
    try {
      connecting = this.#dialect.connect()
    } catch (error) {
      connecting = Promise.reject(error)
    }
    // a failing onConnect is the application's set-up, not the node's failure (unless it broke the connection)
    let connected = false
    if (this.#host.config.onConnect) {
      connecting = connecting.then((raw) => {
        connected = true
        return this.#setUp(raw)
      })
    }
    const afterConnect = this.#host.afterConnect
    if (afterConnect) {
      connecting = connecting.then(async (raw) => {
        await afterConnect(raw)
        return raw
      })
    }
    const done = connecting.then(
      (raw) => this.#opened(raw, startedAt),
      (error: unknown) => this.#openFailed(error, !connected),
    )
    const tracked = done.finally(() => {
      this.#creating.delete(tracked)
      // back-off or demand may have changed while this connect ran
      this.dispatch()
    })
    this.#creating.add(tracked)
    return tracked
  }

  #opened(raw: unknown, startedAt: number): void {
    const { bag, config, clock, counters, log, events } = this.#host
    this.#createFailures = 0
    this.#retryAt = 0
    this.#lastCreateError = undefined
    this.#permanent = undefined
    const now = clock.now()
    counters.creationSeconds.observe((now - startedAt) / 1000)
    this.#host.breaker?.recordSuccess(now)
    if (this.#host.closed()) {
      this.#track(this.#dialect.close(raw))
      return
    }
    const lifetime = config.maxLifetimeMillis
    const expiresAt = lifetime > 0 ? now + lifetime - Math.random() * lifetime * LIFETIME_JITTER : Number.POSITIVE_INFINITY
    const entry = new PoolEntry(`conn-${++this.#sequence}`, raw, now, expiresAt)
    bag.add(entry)
    counters.created++
    try {
      this.#dialect.watch(raw, (error) => this.lost(entry, error))
    } catch (error) {
      log('warn', 'the dialect could not watch a new connection', { connectionId: entry.id, error: errorMessage(error) }, 'connection')
    }
    log('debug', `opened connection ${entry.id} in ${Math.round(now - startedAt)}ms`, { connectionId: entry.id, durationMs: now - startedAt, total: bag.total }, 'connection')
    if (events.has('connect')) events.emit('connect', entry.id)
    bag.makeIdle(entry, now)
  }

  /** Runs `onConnect` on a new connection; one that fails it is closed and the connect counts as failed. */
  async #setUp(raw: unknown): Promise<unknown> {
    try {
      await this.#host.config.onConnect!({
        driverConnection: raw,
        execute: (sql, params) => this.#dialect.run(raw, sql, params, {}),
      })
      return raw
    } catch (error) {
      await this.#dialect.close(raw).catch(() => undefined)
      throw error
    }
  }

  /** `connecting`: the connect itself failed (not `onConnect` after it). */
  #openFailed(error: unknown, connecting: boolean): void {
    const { config, clock, counters, log, events } = this.#host
    const err = asError(error)
    this.#lastCreateError = err
    const now = clock.now()
    if (connecting || this.#dialect.isFatal(error)) this.#host.breaker?.recordFailure(err, now)
    const reason = connecting ? (this.#dialect.classifyConnectError?.(error) ?? 'transient') : 'transient'
    counters.countFailedCreate(connecting ? reason : 'setup')
    if (reason !== 'transient') return this.#failedPermanently(new PermanentConnectError(config.name, this.#dialect.description, reason, err), now)
    if (this.#permanent !== undefined) {
      // the cause changed (the server now refuses, say): back to the ordinary back-off
      this.#permanent = undefined
      this.#retryAt = 0
      this.#createFailures = 0
    }
    // connects that fail together (a burst at start) count as one failed round
    if (now >= this.#retryAt) {
      this.#createFailures++
      const delay = Math.min(config.createRetryMaxMillis, config.createRetryInitialMillis * 2 ** (this.#createFailures - 1))
      this.#retryAt = now + delay
      log('warn', `could not open a connection to ${this.#dialect.description}: ${err.message}; retrying in ${Math.round(delay)}ms`, { error: err, failures: this.#createFailures, retryInMs: Math.round(delay) }, 'connection')
    }
    events.emit('error', err, undefined)
  }

  /**
   * A connect failed in a way retrying cannot fix: every waiting acquire gets
   * the error now, and the pool retries by itself only after a long pause
   * (a new acquire still tries once).
   */
  #failedPermanently(failure: PermanentConnectError, now: number): void {
    const { bag, config, log, events } = this.#host
    this.#permanent = failure
    this.#createFailures++
    this.#retryAt = now + Math.max(config.createRetryMaxMillis, PERMANENT_ERROR_RETRY_MILLIS)
    log('error', failure.message, { error: failure.cause instanceof Error ? failure.cause : failure, permanent: true }, 'connection')
    bag.rejectWaiters(() => failure)
    events.emit('error', failure.cause as Error, undefined)
  }

  /** Waits for the borrower's last commands, then rolls back (or fully resets) before anyone else gets it. */
  async #resetThenReturn(entry: PoolEntry): Promise<void> {
    const { bag, config, clock, log } = this.#host
    const limit = config.healthCheckTimeoutMillis
    try {
      await withTimeout(entry.drained(), limit, clock, 'background', () => new ResetTimeoutError(entry.id, limit, 'drain'))
      const full = config.resetOnRelease === 'full'
      if (full || this.inTransaction(entry)) {
        await withTimeout(
          entry.run((raw) => this.#dialect.reset(raw, { full })),
          limit,
          clock,
          'background',
          () => new ResetTimeoutError(entry.id, limit, 'reset'),
        )
      }
      entry.transactionByKeywords = false
      // a full reset cleared what onConnect set up on the session
      if (full && config.onConnect) await entry.run((raw) => this.#setUp(raw))
    } catch (error) {
      log('warn', `could not reset connection ${entry.id} after release; closing it`, { connectionId: entry.id, error: asError(error) }, 'connection')
      return this.retire(entry, 'reset-failed')
    }
    if (entry.state !== 'reserved') return
    if (this.#host.closed() || entry.brokenBy) return this.retire(entry, this.#host.closed() ? 'pool-closed' : 'broken')
    const now = clock.now()
    entry.verifiedAt = now
    bag.makeIdle(entry, now)
  }

  #keepStatementTotals(entry: PoolEntry): void {
    if (!this.#dialect.statementCacheStats) return
    const { counters } = this.#host
    try {
      const cache = this.#dialect.statementCacheStats(entry.raw)
      counters.retiredStatementHits += cache.hits
      counters.retiredStatementMisses += cache.misses
      counters.retiredStatementEvictions += cache.evictions
    } catch {
      // a broken connection's figures are not worth failing its removal
    }
  }

  #track(closing: Promise<void>): void {
    const tracked: Promise<void> = closing
      .catch((error: unknown) => this.#host.log('warn', 'closing a connection failed', { error: asError(error) }, 'connection'))
      .finally(() => this.#closing.delete(tracked))
    this.#closing.add(tracked)
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
