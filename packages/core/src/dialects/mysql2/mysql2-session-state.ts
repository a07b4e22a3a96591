/** Server status flags of the MySQL protocol (OK and EOF packets, handshake). */
const SERVER_STATUS_IN_TRANS = 1
const SERVER_STATUS_AUTOCOMMIT = 2

/**
 * What the dialect knows about one mysql2 connection: its transaction state,
 * learnt from the server status flags of every OK packet, and whether the
 * connection has been lost or is being closed.
 *
 * mysql2 exposes the status flags only on `ResultSetHeader` (OK packets), not
 * for result sets, and never for errors. So the state becomes unknown
 * (`undefined`) whenever a statement could have changed it unseen: after an
 * error (a deadlock victim's transaction is rolled back, a failing DDL still
 * commits implicitly), and after a result set while autocommit is off (any
 * statement then opens a transaction).
 *
 * @internal
 */
export class Mysql2SessionState {
  #inTransaction: boolean | undefined
  #autocommit: boolean | undefined
  readonly #initialAutocommit: boolean | undefined
  /** The charset mysql2 encoded SQL with when the connection opened. */
  readonly initialCharsetNumber: number | undefined
  /** The first connection-level error (or end) seen; the connection is unusable from then on. */
  lost: Error | undefined
  /** Set by `close()`, so that our own QUIT is not reported as a lost connection. */
  closing = false
  /**
   * The statements awaiting an answer. A pooled connection has one at a time
   * (its borrower's), so it takes a slot of its own; a `Set` only when more
   * are queued (hashing a fresh closure per statement showed in profiles).
   */
  #awaiting: ((error: Error) => void) | undefined
  #moreAwaiting: Set<(error: Error) => void> | undefined

  constructor(handshakeStatusFlags: number | undefined, charsetNumber: number | undefined) {
    // a new session has no transaction; the handshake flags tell the autocommit mode
    this.#inTransaction = false
    this.#initialAutocommit = handshakeStatusFlags === undefined ? undefined : (handshakeStatusFlags & SERVER_STATUS_AUTOCOMMIT) !== 0
    this.#autocommit = this.#initialAutocommit
    this.initialCharsetNumber = charsetNumber
  }

  /**
   * Registers a statement awaiting its answer; {@link untrack} it once it has
   * one. mysql2 never answers the statements of a connection it was told to
   * close, so `close()` fails them through {@link abort}.
   */
  track(fail: (error: Error) => void): void {
    if (this.#awaiting === undefined) this.#awaiting = fail
    else (this.#moreAwaiting ??= new Set()).add(fail)
  }

  /** The statement registered with `fail` has its answer. (No closure per statement: this runs for every one.) */
  untrack(fail: (error: Error) => void): void {
    if (this.#awaiting === fail) this.#awaiting = undefined
    else this.#moreAwaiting?.delete(fail)
  }

  /** Fails every statement still awaiting an answer. */
  abort(error: Error): void {
    const failing = [...(this.#awaiting === undefined ? [] : [this.#awaiting]), ...(this.#moreAwaiting ?? [])]
    this.#awaiting = undefined
    this.#moreAwaiting = undefined
    for (const fail of failing) fail(error)
  }

  /** Whether a transaction is open, or `undefined` when a statement may have changed it unseen. */
  get inTransaction(): boolean | undefined {
    return this.#inTransaction
  }

  /** An OK packet arrived: its status flags are the truth. */
  noteStatus(serverStatus: number | undefined): void {
    if (serverStatus === undefined) {
      this.#inTransaction = undefined
      return
    }
    this.#inTransaction = (serverStatus & SERVER_STATUS_IN_TRANS) !== 0
    this.#autocommit = (serverStatus & SERVER_STATUS_AUTOCOMMIT) !== 0
  }

  /** A result set arrived (flags not exposed). It cannot end a transaction, but can open one when autocommit is off. */
  noteResultSet(): void {
    if (this.#inTransaction === false && this.#autocommit !== true) this.#inTransaction = undefined
  }

  /** A statement failed: it may have ended the transaction (deadlock) or committed it (DDL). */
  noteError(): void {
    this.#inTransaction = undefined
  }

  /** COM_RESET_CONNECTION succeeded: no transaction, and the session's autocommit is back to the server default. */
  noteReset(): void {
    this.#inTransaction = false
    this.#autocommit = this.#initialAutocommit
  }
}
