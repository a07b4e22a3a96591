import { ConnectionReleasedError, type ExecuteOptions, type Params, type Pool, type PoolConnection, type QueryResult } from '@sluice/core'

/**
 * The one pooled connection behind a client handed out by pg's `connect()` or
 * mysql2's `getConnection()`: every statement of that client runs on it, in
 * order, until `release()`.
 *
 * Drizzle's `transaction()` checks a client out and sends its first statement
 * (`begin ...`; mysql2: `set transaction ...`) *before* the try/finally that
 * releases it, so a failing BEGIN would strand the connection for good. A
 * checkout therefore gives its connection back by itself when its very first
 * statement fails and leaves no transaction open. Nothing had run on that
 * connection, so nothing is lost: if the client is used again it borrows a
 * fresh one, and a later `release()` is then a no-op.
 *
 * @internal
 */
export class Checkout {
  readonly #pool: Pool
  #lease: PoolConnection | undefined
  #rebinding: Promise<PoolConnection> | undefined
  #lastId: string
  #succeeded = false
  #running = 0
  #released = false

  private constructor(pool: Pool, lease: PoolConnection) {
    this.#pool = pool
    this.#lease = lease
    this.#lastId = lease.id
  }

  /** Borrows a connection, waiting as `pool.acquire()` does. */
  static async open(pool: Pool): Promise<Checkout> {
    return new Checkout(pool, await pool.acquire())
  }

  /** The connection now bound, if any (none after a failed first statement). */
  get lease(): PoolConnection | undefined {
    return this.#released ? undefined : this.#lease
  }

  /** Marks the connection as used by something that did not go through `execute()` (a driver stream). */
  noteUsed(): void {
    this.#succeeded = true
  }

  async execute(sql: string, params: Params | undefined, options: ExecuteOptions): Promise<QueryResult> {
    const lease = await this.#bound()
    this.#running++
    try {
      const result = await lease.execute(sql, params, options)
      this.#succeeded = true
      return result
    } catch (error) {
      // only when nothing else is queued behind it: a later statement must still find its connection
      if (!this.#succeeded && this.#running === 1 && this.#lease === lease && !lease.released && !lease.inTransaction()) {
        this.#lease = undefined
        lease.release()
      }
      throw error
    } finally {
      this.#running--
    }
  }

  /** Gives the connection back; a truthy `error` closes it instead (pg-pool's `release(err)`). */
  release(error?: unknown): void {
    if (this.#released) throw new ConnectionReleasedError(this.#lastId, 'release')
    this.#released = true
    const lease = this.#lease
    this.#lease = undefined
    if (lease === undefined || lease.released) return
    if (error) lease.destroy(error instanceof Error ? error : new Error('released with an error'))
    else lease.release()
  }

  #bound(): PoolConnection | Promise<PoolConnection> {
    if (this.#released) throw new ConnectionReleasedError(this.#lastId, 'query')
    if (this.#lease !== undefined) return this.#lease
    this.#rebinding ??= this.#pool.acquire().then(
      (lease) => {
        this.#rebinding = undefined
        // released while the acquire waited: nobody will use it
        if (this.#released) {
          lease.release()
          throw new ConnectionReleasedError(lease.id, 'query')
        }
        this.#lease = lease
        this.#lastId = lease.id
        this.#succeeded = false
        return lease
      },
      (error: unknown) => {
        this.#rebinding = undefined
        throw error
      },
    )
    return this.#rebinding
  }
}
