import { Lease, type LeaseHost } from '../connection/lease.js'
import type { ConnectionState } from '../connection/connection-state.js'
import type { PoolEntry } from '../connection/pool-entry.js'
import type { PoolSnapshot } from '../errors/pool-timeout-error.js'
import type { RetireReason } from '../housekeeping/housekeeper.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import type { Clock, TimerHandle } from '../util/clock.js'
import type { TypedEmitter } from '../util/typed-emitter.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'
import type { PoolEvents } from './pool-events.js'
import { WaiterQueue, type Waiter } from './waiter-queue.js'

/** What the bag needs of the pool it belongs to. */
export interface BagHost {
  readonly clock: Clock
  readonly acquireTimeoutMillis: number
  readonly healthThreshold: number
  readonly counters: PoolCounters
  readonly events: TypedEmitter<PoolEvents>
  /** What each lease is made with. */
  readonly leaseHost: LeaseHost
  /** Closes an entry the bag found unusable; the bag has already let go of it. */
  retire(entry: PoolEntry, reason: RetireReason): void
  /** What an acquire that waited `waitedMillis` in vain rejects with. */
  timeoutError(waitedMillis: number): Error
  /** With `allowExitOnIdle`: an idle connection's socket stops keeping the process alive, a lent one keeps it alive again. */
  readonly keepProcessAlive?: ((raw: unknown, keep: boolean) => void) | undefined
}

/**
 * Where a pool's connections live (HikariCP's ConcurrentBag): every open
 * entry, the stack of idle ones (lent LIFO, so surplus connections age out),
 * and the FIFO of waiting acquires with its one timeout timer. It is the only
 * place an entry's state changes while the entry is open, and every count it
 * reports is read from those states and the two queues, never kept beside them.
 */
export class ConnectionBag {
  readonly #host: BagHost
  /** Every open connection: idle, in use, or reserved by the pool. */
  readonly #entries = new Set<PoolEntry>()
  /** The idle ones, most recently returned last. */
  readonly #idle: PoolEntry[] = []
  readonly #waiters = new WaiterQueue()
  /** The queue's one acquire-timeout timer, and the deadline it is armed for. */
  #waitTimer: TimerHandle | undefined
  #waitTimerAt = Number.POSITIVE_INFINITY
  /**
   * The last lease taken back, kept for its hidden class: V8 frees the map of
   * a shape no live object has at a full GC and throws away the optimized
   * lending code built on it, so an idle pool (no lease alive) would start
   * its next requests interpreted. It is released and holds nothing the
   * bag does not.
   */
  lastTakenBack: Lease | undefined
  /** The highest load since `takePeakLoad()`, tracked where callers queue (only waiting can push the load past the open connections). */
  #peakLoad = 0

  constructor(host: BagHost) {
    this.#host = host
  }

  /** Open connections. */
  get total(): number {
    return this.#entries.size
  }

  /** Idle connections ready to lend. */
  get idle(): number {
    return this.#idle.length
  }

  /** Acquires waiting for a connection. */
  get waiting(): number {
    return this.#waiters.size
  }

  /** Connections lent or held by the pool plus acquires waiting: how busy the pool is, in O(1). */
  load(): number {
    return this.#entries.size - this.#idle.length + this.#waiters.size
  }

  /** Open connections in `state`. */
  count(state: ConnectionState): number {
    let n = 0
    for (const entry of this.#entries) if (entry.state === state) n++
    return n
  }

  /** Every open connection, in the order they were opened. */
  entries(): ReadonlySet<PoolEntry> {
    return this.#entries
  }

  /** Idle connections, the longest idle first. */
  idleEntries(): readonly PoolEntry[] {
    return this.#idle
  }

  /** Leases currently lent out. */
  *activeLeases(): Iterable<NonNullable<PoolEntry['lease']>> {
    for (const entry of this.#entries) if (entry.lease) yield entry.lease
  }

  snapshot(max: number): PoolSnapshot {
    return { total: this.#entries.size, active: this.count('in-use'), idle: this.#idle.length, waiting: this.#waiters.size, max }
  }

  /** A connection just opened joins the bag, reserved until it is first made idle. */
  add(entry: PoolEntry): void {
    this.#entries.add(entry)
  }

  /** Takes an entry out of the bag to close it. False when it is already closing. */
  remove(entry: PoolEntry): boolean {
    if (entry.state === 'closing' || entry.state === 'closed') return false
    if (entry.state === 'idle') this.#unstack(entry)
    this.#entries.delete(entry)
    entry.state = 'closing'
    return true
  }

  /**
   * The fast path: when nobody waits, lends the most recently returned usable
   * idle connection at once. It reads no clock (each read costs as much as
   * the rest of the path): lifetime is judged by when the connection came
   * back (the housekeeper retires idle ones past it every tick), and the
   * wait is zero.
   */
  lendIdle(scope: WorkflowScope | undefined, stack: string | undefined): Lease | undefined {
    if (this.#waiters.size > 0 || this.#idle.length === 0) return undefined
    const entry = this.#takeIdle(undefined)
    return entry && this.#lend(entry, undefined, 0, scope, stack)
  }

  /** Queues an acquire (first come, first served) under the queue's one timeout timer. */
  wait(resolve: (lease: Lease) => void, reject: (error: unknown) => void, startedAt: number, scope: WorkflowScope | undefined, stack: string | undefined): void {
    const first = this.#waiters.size === 0
    // a timer left armed while nobody waited keeps the process alive again now that someone does
    if (first && this.#waitTimer !== undefined) this.#waitTimer.ref?.()
    this.#waiters.push(resolve, reject, startedAt, scope, stack)
    const load = this.load()
    if (load > this.#peakLoad) this.#peakLoad = load
    // behind other waiters the oldest is unchanged, and the timer is armed for it or earlier already
    if (first) this.#armWaitTimer(startedAt)
  }

  /** The most the load reached since the last call (at least the load now), for adaptive sizing. */
  takePeakLoad(): number {
    const load = this.load()
    const peak = Math.max(this.#peakLoad, load)
    this.#peakLoad = load
    return peak
  }

  /** Matches waiters with idle connections. */
  serveWaiters(): void {
    if (this.#waiters.size === 0 || this.#idle.length === 0) return
    const now = this.#host.clock.now()
    while (this.#waiters.size > 0) {
      const entry = this.#takeIdle(now)
      if (!entry) break
      this.#serve(this.#waiters.shift()!, entry, now)
    }
    this.#unrefWhenNobodyWaits()
  }

  /** A connection becomes free: the oldest waiter gets it, else it joins the idle stack. */
  makeIdle(entry: PoolEntry, now: number): void {
    entry.state = 'idle'
    entry.idleSince = now
    const waiter = this.#waiters.shift()
    if (!waiter) {
      this.#idle.push(entry)
      this.#host.keepProcessAlive?.(entry.raw, false)
      return
    }
    this.#serve(waiter, entry, now)
    this.#unrefWhenNobodyWaits()
  }

  /** Takes an idle connection off the stack for the pool's own work (a health check), so no borrower can receive it meanwhile. */
  reserve(entry: PoolEntry): boolean {
    if (entry.state !== 'idle' || !this.#unstack(entry)) return false
    entry.state = 'reserved'
    return true
  }

  /** A borrower gave its lease back: the entry is the pool's again, reserved until it is made idle or closed. */
  takeBack(lease: Lease): PoolEntry {
    const entry = lease.entry
    entry.lease = undefined
    entry.state = 'reserved'
    const scope = entry.leaseScope
    if (scope !== undefined) {
      scope.detach(lease)
      entry.leaseScope = undefined
    }
    entry.leaseStack = undefined
    this.lastTakenBack = lease
    return entry
  }

  /** Fails every waiting acquire (the pool is closing) and stops the timer. */
  rejectWaiters(error: () => Error): void {
    this.#disarm()
    let waiter: Waiter | undefined
    while ((waiter = this.#waiters.shift())) waiter.reject(error())
  }

  /** The most recently returned usable idle connection; `now` undefined judges lifetime by when each came back. */
  #takeIdle(now: number | undefined): PoolEntry | undefined {
    const { healthThreshold } = this.#host
    let entry: PoolEntry | undefined
    while ((entry = this.#idle.pop())) {
      const unusable = entry.brokenBy ? 'broken' : (now ?? entry.idleSince) >= entry.expiresAt ? 'lifetime' : entry.health < healthThreshold ? 'health' : undefined
      if (unusable === undefined) return entry
      this.#host.retire(entry, unusable)
    }
    return undefined
  }

  #lend(entry: PoolEntry, now: number | undefined, waitedMillis: number, scope: WorkflowScope | undefined, stack: string | undefined): Lease {
    const host = this.#host
    entry.state = 'in-use'
    host.keepProcessAlive?.(entry.raw, true)
    // the usage-time histogram and leak detection need when it was lent
    entry.leasedAt = now ?? host.clock.now()
    entry.leaseStack = stack
    entry.leaseScope = scope
    entry.leakReported = false
    const lease = new Lease(host.leaseHost, entry)
    entry.lease = lease
    scope?.attach(lease)
    host.counters.recordAcquire(waitedMillis)
    if (host.events.has('acquire')) host.events.emit('acquire', entry.id)
    return lease
  }

  #serve(waiter: Waiter, entry: PoolEntry, now: number): void {
    waiter.resolve(this.#lend(entry, now, now - waiter.startedAt, waiter.scope, waiter.stack))
  }

  #unstack(entry: PoolEntry): boolean {
    const index = this.#idle.indexOf(entry)
    if (index === -1) return false
    this.#idle.splice(index, 1)
    return true
  }

  /**
   * One timer for the whole queue: every waiter has the same timeout and the
   * queue is FIFO, so the oldest waiter's deadline is always the next one.
   * A timer armed for a waiter since served fires early, finds nobody due,
   * and re-arms for the new oldest. Callers wait on it, so it keeps the
   * process alive while anyone waits.
   */
  #armWaitTimer(now: number): void {
    const oldest = this.#waiters.peek()
    if (!oldest) return
    const deadline = oldest.startedAt + this.#host.acquireTimeoutMillis
    if (this.#waitTimer !== undefined && this.#waitTimerAt <= deadline) return
    this.#disarm()
    this.#waitTimerAt = deadline
    this.#waitTimer = this.#host.clock.setTimeout(() => this.#expireWaiters(), Math.max(0, deadline - now), 'awaited')
  }

  #expireWaiters(): void {
    this.#waitTimer = undefined
    this.#waitTimerAt = Number.POSITIVE_INFINITY
    const { clock, acquireTimeoutMillis, counters } = this.#host
    const now = clock.now()
    let oldest: Waiter | undefined
    while ((oldest = this.#waiters.peek()) && oldest.startedAt + acquireTimeoutMillis <= now) {
      this.#waiters.shift()
      counters.acquireTimeouts++
      oldest.reject(this.#host.timeoutError(now - oldest.startedAt))
    }
    this.#armWaitTimer(now)
  }

  /**
   * Once nobody waits, the timer stays armed (re-arming it per burst of
   * waiters would cost a timer insert each time) but stops keeping the
   * process alive; it fires, finds nobody due, and stops.
   */
  #unrefWhenNobodyWaits(): void {
    if (this.#waiters.size === 0 && this.#waitTimer !== undefined) this.#waitTimer.unref?.()
  }

  #disarm(): void {
    if (this.#waitTimer !== undefined) this.#host.clock.clearTimeout(this.#waitTimer)
    this.#waitTimer = undefined
    this.#waitTimerAt = Number.POSITIVE_INFINITY
  }
}
