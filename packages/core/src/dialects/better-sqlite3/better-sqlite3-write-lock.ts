/**
 * An async, FIFO, non-reentrant lock with an owner: the in-process stand-in
 * for SQLite's file write lock (see `better-sqlite3-dialect.ts` for why).
 * Owners are connection handles; only the owner can release.
 *
 * @internal
 */
export class WriteLock<Owner extends object = object> {
  #owner: Owner | undefined
  readonly #waiters: Array<{ readonly owner: Owner; readonly grant: () => void; readonly refuse: (error: Error) => void }> = []

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

  /** Resolves once `owner` holds the lock; at once if it is free (or already its own). */
  acquire(owner: Owner): Promise<void> {
    if (this.#owner === undefined || this.#owner === owner) {
      this.#owner = owner
      return Promise.resolve()
    }
    return new Promise((grant, refuse) => this.#waiters.push({ owner, grant, refuse }))
  }

  /** Releases the lock if `owner` holds it, handing it straight to the first waiter. */
  release(owner: Owner): boolean {
    if (this.#owner !== owner) return false
    // hand over directly rather than freeing it, so that no later caller overtakes a waiter
    const next = this.#waiters.shift()
    this.#owner = next?.owner
    next?.grant()
    return true
  }

  /** Rejects every pending `acquire` of `owner` (its connection is closing). */
  cancel(owner: Owner, error: Error): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]
      if (waiter?.owner !== owner) continue
      this.#waiters.splice(i, 1)
      waiter.refuse(error)
    }
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
