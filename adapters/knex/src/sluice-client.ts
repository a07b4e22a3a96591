import { Readable, type Writable } from 'node:stream'
import { debuglog } from 'node:util'
import { ConfigError, createPool, type Dialect } from '@sluice/core'
import { RoutedConnection } from '@sluice/core/adapter'
import type { Knex } from 'knex'
import { knexAcquireError } from './acquire-error.js'
import { afterCreateStep, setupHook } from './connection-setup.js'
import { KnexPoolView } from './knex-pool-view.js'
import { leaseOf, releaseConnection, SluiceKnexConnection } from './knex-connection.js'
import type { KnexClientClass, KnexQueryObject } from './knex-internals.js'
import { knexStatement } from './knex-statement.js'
import { KNEX_ACQUIRE_TIMEOUT_MILLIS, resolveKnexPool, statementLevelOf, type ResolvedKnexPool } from './pool-options.js'
import { providedDialect, type ConnectionProvider } from './provided-dialect.js'
import { statementRunner } from './statement-runner.js'
import { validatedLease, validateOf } from './validated-lease.js'
import { poolOf, setPool } from './sluice-of.js'
import type { SluiceFlavor } from './sluice-flavor.js'

const debug = debuglog('sluice-knex')

/** Rows per round trip of a stream when neither `batchSize` nor `highWaterMark` is given. */
const DEFAULT_CHUNK_SIZE = 100

/**
 * Turns one of Knex's own dialect clients into one that runs on a Sluice
 * pool. Only the pool seam is replaced: tarn's `initializePool`,
 * `acquireConnection`, `releaseConnection` and `destroy`, and the driver
 * calls in `_query` and `_stream`, which go through the lease. Query
 * building, `processResponse`, transactions and migrations stay Knex's.
 *
 * Methods here must not rely on instance fields: Knex runs transactions on a
 * stripped copy of the client (`makeTxClient`) that has this prototype but
 * only a few of the client's fields (`config`, `driver`, `logger`, ...).
 */
export function sluiceClient(Base: KnexClientClass, flavor: SluiceFlavor): KnexClientClass {
  const stockQuery = (Base.prototype as unknown as { _query: (this: Knex.Client, connection: unknown, obj: KnexQueryObject) => Promise<KnexQueryObject> })._query
  return class SluiceKnexClient extends Base {
    /** Creates the Sluice pool; called by Knex's constructor and by `knex.initialize()`. */
    override initializePool(config: Knex.Config = this.config): void {
      if (poolOf(this)) {
        this.logger.warn?.('The pool has already been initialized')
        return
      }
      if (config.connectionPool !== undefined) {
        throw new ConfigError('connectionPool', config.connectionPool, 'cannot be used with a Sluice client: Sluice is the pool; pass `connection` instead')
      }
      const provider = this.connectionConfigProvider as ConnectionProvider | undefined
      // with a `connection` function, the settings are known per new connection only
      const settings = (provider ? {} : (this.connectionSettings ?? {})) as Record<string, unknown>
      const pool = resolveKnexPool(config.pool, this.config.acquireConnectionTimeout, this.poolDefaults())
      // not Knex's logger: stock Knex says nothing here, and apps' log.debug would see it (NODE_DEBUG=sluice-knex shows it)
      for (const line of pool.ignored) debug(line)
      const steps = flavor.connectionSetup(this, settings)
      if (pool.afterCreate) steps.push(afterCreateStep(pool.afterCreate))
      const { onConnect } = pool
      if (onConnect) steps.push(async (connection) => onConnect(connection))
      const setupTimeout = pool.createTimeoutMillis ?? pool.options.acquireTimeoutMillis ?? KNEX_ACQUIRE_TIMEOUT_MILLIS
      const dialect = provider ? knexProvidedDialect(this, flavor, provider, pool) : flavor.dialect(this, settings, pool)
      const sluicePool = createPool({ ...pool.options, onConnect: setupHook(steps, setupTimeout), dialect })
      setPool(this, sluicePool)
      // stock Knex's `client.pool`, for code that reads tarn's counters or `destroyed`
      this.pool = new KnexPoolView(sluicePool) as unknown as Knex.Client['pool']
    }

    /** Borrows a connection from the Sluice pool; a timeout rejects with Knex's `KnexTimeoutError`. */
    override acquireConnection(): Promise<SluiceKnexConnection> {
      // 'auto': each statement is routed (reads to replicas) until one needs a session; without replicas, a pooled connection
      return acquire(this, 'auto')
    }

    /**
     * With `pool.statementLevel`, Knex's runner for one query or schema
     * builder outside a transaction borrows statement-level connections (`acquire({ target: 'statement' })`):
     * each read runs as `pool.execute()` runs it (routed to a replica,
     * pipelined when the pool pipelines) until a statement needs a session,
     * which pins a pooled connection. Only the runner, and not for a query
     * with `.timeout()`: a connection acquired by an app, a transaction or
     * such a query is a pooled one, held until released, as in stock Knex.
     */
    override runner(builder: unknown): ReturnType<Knex.Client['runner']> {
      // a transaction's client hands its runners the transaction's connection; a query with a timeout
      // needs its connection before Knex's clock starts (to cancel the query there, or close that connection)
      if (!statementLevelOf(this.config.pool) || (this as { transacting?: boolean }).transacting || (builder as { _timeout?: unknown })._timeout) {
        return super.runner(builder as never)
      }
      return statementRunner(this, builder, () => acquire(this, 'statement')) as unknown as ReturnType<Knex.Client['runner']>
    }

    /** Gives the connection back; a second release of the same connection is a no-op. */
    override releaseConnection(connection: unknown): Promise<void> {
      return releaseConnection(connection)
    }

    /** Closes the pool (waiting up to `closeTimeoutMillis` for borrowed connections); `knex.initialize()` opens a new one. */
    override async destroy(callback?: (error?: unknown) => void): Promise<void> {
      const view = this.pool as unknown as KnexPoolView | undefined
      setPool(this, undefined)
      let failure: unknown
      try {
        await view?.destroy()
      } catch (error) {
        failure = error
      }
      // a knex.initialize() during the wait has opened a new pool already
      if ((this.pool as unknown) === view) this.pool = undefined
      if (typeof callback === 'function') return callback(failure)
      if (failure !== undefined) throw failure
    }

    /** Runs one statement through the lease and leaves the stock driver's answer on `obj.response`. */
    async _query(connection: unknown, obj: KnexQueryObject): Promise<KnexQueryObject> {
      // a driver's own connection, such as the one-off connection Knex opens to cancel a query: the stock way
      if (!(connection instanceof SluiceKnexConnection)) return stockQuery.call(this, connection, obj)
      if (!obj.sql) throw new Error('The query is empty')
      const lease = leaseOf(connection)
      const statement = knexStatement(obj)
      const options = flavor.runOptions(obj.options)
      // a query Knex may cancel must run on a connection it can name: pin one
      if (obj.cancelOnTimeout && lease instanceof RoutedConnection) await lease.pin()
      const result = await lease.execute(statement.sql, flavor.bindings(this, statement.bindings), statement.kind === 'write' ? { ...options, hint: 'write' } : options)
      flavor.respond(obj, result)
      return obj
    }

    /**
     * Streams rows through the lease into Knex's stream, with backpressure.
     * A consumer that stops early (break, destroy) ends the statement (the
     * pool waits for that before it lends the connection again).
     */
    _stream(connection: unknown, obj: KnexQueryObject, stream: Writable, options?: Record<string, unknown>): Promise<void> {
      if (!obj.sql) throw new Error('The query is empty')
      // the same options as `.query()` refuses, and rows are streamed as objects only
      const streamOptions = flavor.runOptions(obj.options)
      if (streamOptions?.rowMode === 'array') {
        throw new TypeError('@sluice/knex: rows as arrays (rowMode, rowsAsArray, nestTables) are not supported by .stream() on Sluice; use the query without .stream()')
      }
      const lease = leaseOf(connection)
      const { sql, bindings } = knexStatement(obj)
      const driverOptions = { typeCast: streamOptions?.typeCast, safeIntegers: streamOptions?.safeIntegers }
      const rows = Readable.from(lease.stream(sql, flavor.bindings(this, bindings), { chunkSize: chunkSize(options), ...driverOptions }), { objectMode: true })
      // Knex gives a streamed connection back once the stream closes, after the consumer
      // has seen its end; outside a transaction, give it back as soon as the last row is read
      if (!(this as { transacting?: boolean }).transacting) rows.once('end', () => void releaseConnection(connection))
      // destroying `rows` returns its iterator, which ends the statement (closes the cursor)
      stream.once('close', () => rows.destroy())
      const done = new Promise<void>((resolve, reject) => {
        rows.once('error', (error) => {
          reject(error)
          stream.destroy(error)
        })
        rows.once('close', () => resolve())
      })
      rows.pipe(stream)
      return done
    }

    /**
     * Cancels a running statement (`.timeout(ms, { cancel: true })`) the way
     * stock Knex does: from a one-off driver connection outside the pool,
     * which must not wait behind a full pool, and whose statements `_query`
     * hands to the stock client.
     */
    override cancelQuery(connection?: unknown): Promise<unknown> {
      const cancel = Base.prototype.cancelQuery as unknown as (this: Knex.Client, connectionToKill: unknown) => Promise<unknown>
      const lease = leaseOf(connection)
      if (!(lease instanceof RoutedConnection)) return cancel.call(this, lease.driverConnection)
      // not pinned yet: the statement is still waiting for its connection, and runs nowhere once Knex releases the handle
      const pinned = lease.pinnedConnection
      return pinned === undefined ? Promise.resolve() : cancel.call(this, pinned.driverConnection)
    }
  }
}

/** Borrows a connection for Knex (`pool.validate` checks each one, as tarn did); a timeout rejects with Knex's `KnexTimeoutError`. */
async function acquire(client: Knex.Client, target: 'auto' | 'statement'): Promise<SluiceKnexConnection> {
  const pool = poolOf(client)
  // stock Knex's words when there is no pool (destroyed, or `pool.max: 0`)
  if (!pool) throw new Error('Unable to acquire a connection')
  try {
    const validate = validateOf(client.config.pool)
    if (validate) return new SluiceKnexConnection(await validatedLease(pool, validate, client.logger))
    return new SluiceKnexConnection(await pool.acquire({ target }))
  } catch (error) {
    throw knexAcquireError(error, client.logger)
  }
}

function knexProvidedDialect(client: Knex.Client, flavor: SluiceFlavor, provider: ConnectionProvider, pool: ResolvedKnexPool): Dialect<object> {
  const template = flavor.dialect(client, flavor.placeholderSettings, pool)
  return providedDialect(template, provider, (settings) => {
    // as stock: Knex reads the live settings (e.g. `client.database()` in schema queries)
    client.connectionSettings = settings
    return flavor.dialect(client, settings, pool)
  })
}

function chunkSize(options: Record<string, unknown> | undefined): number {
  const size = options?.batchSize ?? options?.highWaterMark
  return typeof size === 'number' ? size : DEFAULT_CHUNK_SIZE
}
