import type { WorkflowScope } from '../workflow/workflow-scope.js'
import { HEALTH } from './health-score.js'
import type { ConnectionState } from './connection-state.js'

/** The borrower's handle on an entry, as the entry and the housekeeper see it (the `Lease`). */
export interface EntryLease {
  readonly id: string
  readonly acquiredAt: number
  /** Where it was acquired, when leak detection is on. */
  readonly acquireStack: string | undefined
  leakReported: boolean
  /** The pool took the connection back (forced close): later use reports the pool closed. */
  revoke(): void
}

/**
 * One pooled connection (HikariCP's PoolEntry): a small actor around the
 * driver's connection. It has exactly one state, runs one command at a time
 * in arrival order, and carries its health score and timestamps. It knows
 * nothing of the pool's queues; the connection bag moves it between states.
 */
export class PoolEntry<Raw = unknown> {
  readonly id: string
  readonly raw: Raw
  readonly createdAt: number
  /** When max lifetime retires it (jitter already applied); Infinity when lifetime is off. */
  readonly expiresAt: number
  state: ConnectionState = 'reserved'
  /** 0-100; lowered by failed or slow health checks and transport failures, never by a user's SQL error. */
  health: number = HEALTH.initial
  /** When it last became idle. */
  idleSince: number
  /** When it was last known to work (created, checked, or returned after use). */
  verifiedAt: number
  /** Why it must never be lent again (fatal error, lost socket, timed-out statement). */
  brokenBy: Error | undefined
  /**
   * Transaction state as told by the statements' text, for drivers that
   * cannot report it exactly (see `Dialect.inTransaction`).
   */
  transactionByKeywords = false
  /** The borrower's handle while `in-use`. */
  lease: EntryLease | undefined
  // What the current lend says about its borrower, kept here rather than on
  // each lease: updated in place per lend (no boxed number per lease), and
  // read only by leak detection and workflow scopes.
  /** When the current borrower got it. */
  leasedAt = 0
  /** Where the current borrower acquired it, when leak detection is on. */
  leaseStack: string | undefined = undefined
  /** The workflow scope of the current borrower, if any. */
  leaseScope: WorkflowScope | undefined = undefined
  /** Whether the current borrower was reported as a possible leak. */
  leakReported = false

  #pending = 0
  /** The last command queued; the next one waits for it to settle. */
  #last: Promise<unknown> = Promise.resolve()
  /** A command started by `begin()` is running: it has no promise until another command must wait for it. */
  #begun = false
  /** Settles the promise made for the begun command, once something waits for it. */
  #endBegun: (() => void) | undefined

  constructor(id: string, raw: Raw, createdAt: number, expiresAt: number) {
    this.id = id
    this.raw = raw
    this.createdAt = createdAt
    this.expiresAt = expiresAt
    this.idleSince = createdAt
    this.verifiedAt = createdAt
  }

  /** True while a command runs or waits on this connection. */
  get busy(): boolean {
    return this.#pending > 0
  }

  /**
   * Runs `command` after every command queued before it. Drivers differ in
   * whether they queue concurrent calls themselves (pg does, better-sqlite3
   * cannot interleave, mysql2 does); the actor makes the order ours.
   */
  run<T>(command: (raw: Raw) => Promise<T>): Promise<T> {
    // nothing is allocated for ordering unless a command is already running: the common case
    const result = this.#pending === 0 ? this.#start(command) : this.#tail().then(() => this.#start(command), () => this.#start(command))
    this.#pending++
    this.#last = result
    return result
  }

  /**
   * Takes the command slot for a command that says when it is over by
   * `ended()` rather than by a promise (the pool's one-promise statement
   * path): the connection counts as busy and later commands wait for it,
   * with nothing allocated unless one does. Only when not `busy`.
   */
  begin(): void {
    this.#pending++
    this.#begun = true
  }

  /** The command started by `begin()` is over. */
  ended(): void {
    this.#pending--
    this.#begun = false
    const endBegun = this.#endBegun
    if (endBegun === undefined) return
    this.#endBegun = undefined
    endBegun()
  }

  /**
   * Keeps the command slot taken until `work` settles (a timed-out statement
   * being cancelled): later commands wait for it, and the connection counts
   * as busy. `work` must not reject.
   */
  hold(work: Promise<void>): void {
    this.#pending++
    const done = work.finally(() => this.#pending--)
    this.#last = this.#tail().then(
      () => done,
      () => done,
    )
  }

  /** Resolves once every queued command has settled. */
  drained(): Promise<void> {
    return this.#tail().then(ignore, ignore)
  }

  /** The last command's promise; for a begun command without one, one made now that `ended()` settles. */
  #tail(): Promise<unknown> {
    if (this.#begun && this.#endBegun === undefined) this.#last = new Promise<void>((resolve) => (this.#endBegun = resolve))
    return this.#last
  }

  /** Marks the connection as never to be lent again. The first cause wins. */
  markBroken(cause: Error): void {
    this.brokenBy ??= cause
    this.health = 0
  }

  /**
   * Starts `command` and hands back its own promise: no async wrapper per
   * statement. The count drops in a reaction registered before the caller's,
   * so the caller already sees the connection free when its result arrives.
   */
  #start<T>(command: (raw: Raw) => Promise<T>): Promise<T> {
    let running: Promise<T>
    try {
      running = command(this.raw)
    } catch (error) {
      running = Promise.reject(error as Error)
    }
    running.then(this.#settled, this.#settled)
    return running
  }

  readonly #settled = (): void => {
    this.#pending--
  }
}

function ignore(): void {}
