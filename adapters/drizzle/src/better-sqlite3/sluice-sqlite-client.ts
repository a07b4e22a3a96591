/**
 * The better-sqlite3 client, and why it pins a connection.
 *
 * Drizzle's better-sqlite3 driver is synchronous: it calls `prepare()` and
 * `run()`/`all()`/`get()` and expects the answer on the spot, and its
 * `db.transaction(tx => ...)` is better-sqlite3's own, which must finish
 * within one call. Sluice lends connections asynchronously (`acquire()` and
 * `execute()` return promises), so no statement Drizzle issues synchronously
 * can wait for a connection or go through `execute()`.
 *
 * So the client leases one connection from the Sluice pool when it is created
 * and keeps it (the "pinned" connection): Drizzle's synchronous statements
 * run on that connection's handle, exactly as on a stock `Database`. It is
 * opened, configured (WAL, pragmas) and counted by the engine, and shows in
 * `stats()` as one active connection for the client's life. Writes in SQLite
 * are serialized anyway, and a synchronous statement completes within one
 * turn of the event loop, so the pinned connection never holds SQLite's write
 * lock while other code runs.
 *
 * `db.transaction(async (tx) => ...)`, which stock better-sqlite3 rejects, is
 * what the pool is for here: it runs on a connection of its own, leased for
 * the transaction, opened with BEGIN IMMEDIATE through `execute()` so that it
 * waits (asynchronously) for the engine's write lock: one writer at a time,
 * while readers on the pinned connection never wait (WAL) and see the last
 * committed state. Drizzle's statements inside it are routed to that
 * connection by an AsyncLocalStorage scope.
 *
 * The one hazard: a synchronous write on the pinned connection while another
 * connection holds the write lock would meet SQLITE_BUSY, and SQLite's
 * busy_timeout would then sleep *synchronously*, stopping the event loop and
 * with it the transaction it waits for. While one of this client's async
 * transactions is open, such a write fails at once with SQLITE_BUSY instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Pool, PoolConnection } from '@sluice/core'

/** The parts of a better-sqlite3 `Database` handle the client uses. */
interface SqliteHandle {
  prepare(source: string): { readonly readonly: boolean }
  transaction(fn: (...args: any[]) => unknown): TransactionFunction
  exec(source: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  readonly inTransaction: boolean
}

const BEHAVIORS = ['default', 'deferred', 'immediate', 'exclusive'] as const
type Behavior = (typeof BEHAVIORS)[number]

/** better-sqlite3's transaction function: call it, or one of its variants, to run the transaction. */
export type TransactionFunction = ((...args: any[]) => any) & { readonly [B in Behavior]: (...args: any[]) => any }

interface AsyncTransaction {
  readonly connection: PoolConnection
  savepoints: number
}

/**
 * A better-sqlite3 `Database`-shaped client on a Sluice pool: pass it to
 * Drizzle as `client`. Create it with `createSluiceSqliteClient()`.
 */
export class SluiceSqliteClient {
  /** The Sluice pool underneath (also `sluiceOf(db)`). */
  readonly sluice: Pool
  readonly #pinned: PoolConnection
  readonly #wal: boolean
  readonly #scope = new AsyncLocalStorage<AsyncTransaction>()
  #openTransactions = 0
  #closing: Promise<void> | undefined

  /** @internal use `createSluiceSqliteClient()` */
  constructor(pool: Pool, pinned: PoolConnection) {
    this.sluice = pool
    this.#pinned = pinned
    // outside WAL a reader, too, waits for the writer's lock (and would sleep synchronously)
    this.#wal = String(handleOf(pinned).pragma('journal_mode', { simple: true })).toLowerCase() === 'wal'
  }

  /** Compiles a statement on the current connection: the async transaction's, else the pinned one. */
  prepare(source: string): any {
    const transaction = this.#scope.getStore()
    if (transaction !== undefined) return handleOf(transaction.connection).prepare(source)
    const statement = handleOf(this.#pinned).prepare(source)
    if (this.#openTransactions > 0 && (!this.#wal || !statement.readonly)) throw lockedOut()
    return statement
  }

  /**
   * better-sqlite3's `transaction(fn)`. A synchronous `fn` runs as
   * better-sqlite3 runs it, on the current connection (nested: a savepoint).
   * An `async` function runs on a connection leased for it (nested in another
   * async transaction: a savepoint there), and the call returns a promise.
   */
  transaction(fn: (...args: any[]) => unknown): TransactionFunction {
    // every variant begins IMMEDIATE (the dialect's BEGIN): the engine's write lock is taken at BEGIN
    // anyway, and in WAL mode EXCLUSIVE is the same as IMMEDIATE
    if (isAsyncFunction(fn)) return variants(() => (...args) => this.#runAsync(fn, args))
    const transaction = this.#scope.getStore()
    if (transaction !== undefined) return handleOf(transaction.connection).transaction(fn)
    const native = handleOf(this.#pinned).transaction(fn)
    // BEGIN IMMEDIATE / EXCLUSIVE take the write lock at once: refuse rather than sleep on it
    return variants((behavior) => (...args) => {
      if (this.#openTransactions > 0 && (behavior === 'immediate' || behavior === 'exclusive')) throw lockedOut()
      return native[behavior](...args)
    })
  }

  /** Runs SQL without results (DDL, migrations) on the current connection. */
  exec(source: string): this {
    // exec() cannot tell a read from a write: outside the async transaction, refuse while one holds the lock
    if (this.#scope.getStore() === undefined && this.#openTransactions > 0) throw lockedOut()
    this.#current().exec(source)
    return this
  }

  /** Runs a PRAGMA on the current connection. */
  pragma(source: string, options?: { simple?: boolean }): unknown {
    return this.#current().pragma(source, options)
  }

  /** True while the current connection is in a transaction. */
  get inTransaction(): boolean {
    return this.#current().inTransaction
  }

  /** Gives the pinned connection back and closes the Sluice pool (waiting for open transactions). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (!this.#pinned.released) this.#pinned.release()
      await this.sluice.close()
    })()
    return this.#closing
  }

  #current(): SqliteHandle {
    const transaction = this.#scope.getStore()
    return handleOf(transaction?.connection ?? this.#pinned)
  }

  async #runAsync(fn: (...args: any[]) => unknown, args: unknown[]): Promise<unknown> {
    const outer = this.#scope.getStore()
    if (outer !== undefined) return this.#savepoint(outer, fn, args)
    if (this.sluice.config.max < 2) {
      throw new TypeError('An async transaction needs a connection besides the pinned one, but the pool has max 1 (an in-memory database has only one)')
    }
    let began = false
    try {
      return await this.sluice.transaction((connection) => {
        began = true
        this.#openTransactions++
        return this.#scope.run({ connection, savepoints: 0 }, () => fn(...args)) as Promise<unknown>
      })
    } finally {
      // only now are COMMIT or ROLLBACK done and the write lock free
      if (began) this.#openTransactions--
    }
  }

  async #savepoint(transaction: AsyncTransaction, fn: (...args: any[]) => unknown, args: unknown[]): Promise<unknown> {
    const name = `sluice_sp${++transaction.savepoints}`
    const { connection } = transaction
    await connection.execute(`SAVEPOINT ${name}`)
    try {
      const result = await fn(...args)
      await connection.execute(`RELEASE ${name}`)
      return result
    } catch (error) {
      await connection.execute(`ROLLBACK TO ${name}`)
      await connection.execute(`RELEASE ${name}`)
      throw error
    }
  }
}

function handleOf(connection: PoolConnection): SqliteHandle {
  // throws ConnectionReleasedError (or PoolClosedError) once the client is closed
  return connection.driverConnection as SqliteHandle
}

function isAsyncFunction(fn: unknown): boolean {
  return Object.prototype.toString.call(fn) === '[object AsyncFunction]'
}

/** A transaction function with better-sqlite3's variants (`.deferred`, `.immediate`, ...). */
function variants(make: (behavior: Behavior) => (...args: any[]) => unknown): TransactionFunction {
  const run = make('default')
  for (const behavior of BEHAVIORS) Object.defineProperty(run, behavior, { value: make(behavior) })
  return run as TransactionFunction
}

function lockedOut(): Error {
  const message =
    'SQLITE_BUSY: an async transaction holds the write lock, and this synchronous statement would block the event loop ' +
    'until busy_timeout; run it inside that transaction (through its tx) or after it'
  return Object.assign(new Error(message), { code: 'SQLITE_BUSY' })
}
