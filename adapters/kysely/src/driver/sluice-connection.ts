import type { PoolConnection } from '@sluice/core'
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely'
import type { DatabaseFlavor } from './database-flavor.js'
import { extendStackTrace } from './extend-stack-trace.js'
import { executeOptions } from './statement-hint.js'

/** Kysely's default for `.stream()`, used when a caller passes no chunk size. */
const DEFAULT_CHUNK_SIZE = 100

/**
 * One borrowed Sluice connection, as Kysely sees it. Every statement goes
 * through the engine (`PoolConnection.execute()` / `.stream()`), never to the
 * driver directly, so whatever the engine does on that path (timing,
 * health, timeouts, later routing) applies to Kysely's queries too.
 *
 * A new one wraps each lease, so a connection Kysely has released cannot be
 * used again by mistake: the engine refuses a released lease.
 */
export class SluiceConnection implements DatabaseConnection {
  readonly #lease: PoolConnection
  readonly #flavor: DatabaseFlavor
  #discardedBy: Error | undefined

  constructor(lease: PoolConnection, flavor: DatabaseFlavor) {
    this.#lease = lease
    this.#flavor = flavor
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.#lease.execute(compiledQuery.sql, compiledQuery.parameters, executeOptions(compiledQuery))
      return this.#flavor.toKyselyResult<R>(result)
    } catch (error) {
      throw extendStackTrace(error, new Error())
    }
  }

  /**
   * Streams through the engine: a server-side cursor on PostgreSQL (no
   * `pg-cursor` needed), mysql2's row stream, better-sqlite3's iterator.
   * Rows come in chunks of up to `chunkSize`; breaking out of the loop ends
   * the cursor and gives the connection back healthy.
   */
  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize: number = DEFAULT_CHUNK_SIZE): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new Error('chunkSize must be a positive integer')
    let rows: R[] = []
    try {
      for await (const row of this.#lease.stream<R>(compiledQuery.sql, compiledQuery.parameters, { chunkSize })) {
        rows.push(row)
        if (rows.length < chunkSize) continue
        yield { rows }
        rows = []
      }
    } catch (error) {
      throw extendStackTrace(error, new Error())
    }
    if (rows.length > 0) yield { rows }
  }

  /** Marks the connection to be closed, not reused, when Kysely releases it (after a failed ROLLBACK). @internal */
  discard(reason: Error): void {
    this.#discardedBy ??= reason
  }

  /** Gives the lease back to the pool, once. @internal */
  release(): void {
    // a pool that was closed under us has already taken the connection back
    if (this.#lease.released) return
    if (this.#discardedBy) this.#lease.destroy(this.#discardedBy)
    else this.#lease.release()
  }
}
