import type { Pool } from '@sluice/core'
import { CompiledQuery, createQueryId } from 'kysely'
import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from 'kysely'
import { abortedTransactionError } from './aborted-transaction.js'
import type { DatabaseFlavor } from './database-flavor.js'
import { savepointCommand } from './savepoint-command.js'
import { SluiceConnection } from './sluice-connection.js'

/** @internal */
export interface SluiceDriverConfig {
  readonly pool: Pool
  /** True when the dialect created the pool, and so closes it in `destroy()`. */
  readonly ownsPool: boolean
  readonly flavor: DatabaseFlavor
  readonly onReserveConnection?: (connection: DatabaseConnection) => Promise<void>
}

/**
 * A Kysely `Driver` that borrows connections from a Sluice pool.
 *
 * Transaction commands go through the connection Kysely hands in, as in the
 * stock drivers, so they show up in Kysely's query log (and pass the same
 * engine path as every other statement).
 *
 * @internal
 */
export class SluiceDriver implements Driver {
  readonly #config: SluiceDriverConfig
  #destroyed = false

  constructor(config: SluiceDriverConfig) {
    this.#config = config
  }

  async init(): Promise<void> {
    // nothing to open: the pool connects lazily (or at `sluiceOf(db).ready()`)
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Kysely borrows a connection for every query. 'statement': each read runs as pool.execute() runs it (to a
    // replica, or pipelined on a saturated pool) until a transaction or session state pins one connection
    const lease = await this.#config.pool.acquire({ target: 'statement' })
    const connection = new SluiceConnection(lease, this.#config.flavor)
    // `destroy` was called while the connection was being acquired
    if (this.#destroyed) {
      connection.release()
      throw new Error('driver has already been destroyed')
    }
    if (this.#config.onReserveConnection) {
      try {
        await this.#config.onReserveConnection(connection)
      } catch (error) {
        connection.release()
        throw error
      }
    }
    return connection
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    for (const sql of this.#config.flavor.beginStatements(settings)) {
      await connection.executeQuery(CompiledQuery.raw(sql))
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command?: unknown }>(CompiledQuery.raw('commit'))
    // PostgreSQL answers COMMIT with a ROLLBACK tag when an earlier error left the transaction aborted
    if (rows[0]?.command !== 'ROLLBACK') return
    const aborted = abortedTransactionError()
    if (aborted) throw aborted
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'))
    } catch (error) {
      // a connection that cannot roll back must not serve anyone else
      asSluiceConnection(connection).discard(error instanceof Error ? error : new Error(String(error)))
      throw error
    }
  }

  async savepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('savepoint', savepointName), createQueryId()))
  }

  async rollbackToSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('rollback to', savepointName), createQueryId()))
  }

  async releaseSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand(this.#config.flavor.releaseSavepoint, savepointName), createQueryId()))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    asSluiceConnection(connection).release()
  }

  /** Closes the pool if the dialect created it; a pool passed in by the application stays open. */
  async destroy(): Promise<void> {
    this.#destroyed = true
    if (this.#config.ownsPool) await this.#config.pool.close()
  }
}

function asSluiceConnection(connection: DatabaseConnection): SluiceConnection {
  if (connection instanceof SluiceConnection) return connection
  throw new TypeError('Sluice driver: this connection did not come from a Sluice pool')
}
