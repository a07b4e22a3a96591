import { type Clock, type TimerHandle, systemClock } from '../../util/clock.js'

/** How long one `acquire` may wait, and the error it fails with then. */
export interface LockWait {
  readonly timeoutMillis: number
  /** Made when the wait times out, so that the error is the driver's own kind (SQLITE_BUSY). */
  readonly timedOut: () => Error
}

interface Waiter<Owner> {
  readonly owner: Owner
  readonly grant: () => void
  readonly refuse: (error: Error) => void
  timer?: TimerHandle
}

/**
 * An async, FIFO, non-reentrant lock with an owner: the in-process stand-in
 * for SQLite's file write lock (see `better-sqlite3-dialect.ts` for why).
 * Owners are connection handles; only the owner can release. A wait is
 * bounded, as SQLite's own `busy_timeout` is: a holder that never lets go
 * (a transaction waiting for another transaction of the same app) makes the
 * waiter fail instead of hanging forever.
 *
 * @internal
 */
export class WriteLock<Owner extends object = object> {
  #owner: Owner | undefined
  readonly #waiters: Array<Waiter<Owner>> = []
  readonly #clock: Clock

  constructor(clock: Clock = systemClock) {
    this.#clock = clock
  }

  /** The current holder, if any. */
  get owner(): Owner | undefined {
    return this.#owner
  }

  /** How many owners wait for the lock. */
  get waiting(): number {
    return this.#waiters.length
  }

  isHeldBy(owner: Owner): boolean {
    return this.#owner === owner
  }

  /**
   * Resolves once `owner` holds the lock; at once if it is free (or already
   * its own). Without `wait` the caller waits as long as it takes; with it, the
   * promise rejects with `wait.timedOut()` after `wait.timeoutMillis` (at once
   * for 0), and the lock is then neither held nor owed to `owner`.
   */
  acquire(owner: Owner, wait?: LockWait): Promise<void> {
    if (this.#owner === undefined || this.#owner === owner) {
      this.#owner = owner
      return Promise.resolve()
    }
    if (wait !== undefined && wait.timeoutMillis <= 0) return Promise.reject(wait.timedOut())
    return new Promise((grant, refuse) => {
      const waiter: Waiter<Owner> = { owner, grant, refuse }
      this.#waiters.push(waiter)
      if (wait === undefined) return
      // awaited: the caller's statement settles when it fires
      waiter.timer = this.#clock.setTimeout(() => this.#giveUp(waiter, wait.timedOut()), wait.timeoutMillis, 'awaited')
    })
  }

  /** Takes the lock if it is free (or already `owner`'s) and returns true; false, changing nothing, when someone else holds it. */
  tryAcquire(owner: Owner): boolean {
    if (this.#owner !== undefined && this.#owner !== owner) return false
    this.#owner = owner
    return true
  }

  /** Releases the lock if `owner` holds it, handing it straight to the first waiter. */
  release(owner: Owner): boolean {
    if (this.#owner !== owner) return false
    // hand over directly rather than freeing it, so that no later caller overtakes a waiter
    const next = this.#waiters.shift()
    this.#owner = next?.owner
    if (next?.timer !== undefined) this.#clock.clearTimeout(next.timer)
    next?.grant()
    return true
  }

  /** Rejects every pending `acquire` of `owner` (its connection is closing). */
  cancel(owner: Owner, error: Error): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]
      if (waiter?.owner !== owner) continue
      this.#waiters.splice(i, 1)
      if (waiter.timer !== undefined) this.#clock.clearTimeout(waiter.timer)
      waiter.refuse(error)
    }
  }

  #giveUp(waiter: Waiter<Owner>, error: Error): void {
    const index = this.#waiters.indexOf(waiter)
    // already granted: the grant won the race, the timer has nothing left to do
    if (index < 0) return
    this.#waiters.splice(index, 1)
    waiter.refuse(error)
  }
}

// one lock per database file, shared by every dialect (and pool) in this process that opens it
const locks = new Map<string, { readonly lock: WriteLock; users: number }>()

/** The write lock of the file at `key` (a resolved path), counting one more user. @internal */
export function retainWriteLock(key: string): WriteLock {
  const entry = locks.get(key) ?? { lock: new WriteLock(), users: 0 }
  entry.users++
  locks.set(key, entry)
  return entry.lock
}

/** Counts one user less, forgetting the lock after the last. @internal */
export function releaseWriteLock(key: string): void {
  const entry = locks.get(key)
  if (entry === undefined) return
  entry.users--
  if (entry.users <= 0) locks.delete(key)
}

/** How many files currently have a lock entry (for tests). @internal */
export function writeLockCount(): number {
  return locks.size
}
