import { classifyStatement } from '../../sql/classify-statement.js'
import type { Dialect, StatementCacheStats, StatementKind, QueryResult, RunOptions, StreamOptions } from '../../dialect.js'
import { ConfigError } from '../../errors/config-error.js'
import { describeParts, describeUrl } from '../../util/describe-url.js'
import { loadDriver } from '../../util/load-driver.js'
import { toQueryResult } from './pg-query-result.js'
import { lagFromRow, lsnReached, REPLAY_POSITION_SQL, REPLICA_LAG_SQL, WRITE_POSITION_SQL } from './pg-replication.js'
import { resolvePostgresConfig, type PostgresDialectConfig, type ResolvedPostgresConfig } from './pg-dialect-config.js'
import type { PgClient, PgClientConfig, PgModule, PgQueryConfig, PgResult } from './pg-driver-types.js'
import { PgStatementCache } from './pg-statement-cache.js'
import type { BatchMode, BatchOutcome, BatchStatement } from '../../dialect.js'
import { pgRunBatch, pgRunPipelined, type PgPipeliningHost } from './pg-pipelining.js'

/** How long `close()` waits for pg's goodbye before it destroys the socket. */
const CLOSE_TIMEOUT_MILLIS = 5_000
/** How long a failed statement waits for the ReadyForQuery that follows its error. */
const SETTLE_TIMEOUT_MILLIS = 1_000

/** Command tags whose row count means "rows changed" rather than "rows read". */

/** SQLSTATEs outside class 08 after which the backend is gone. */
const FATAL_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, smart/fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '57P05', // idle_session_timeout: the server closes the session
  '25P03', // idle_in_transaction_session_timeout: the server closes the session
])

/** Node and pg socket-level error codes. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
])

/** Messages pg's client (not the server) uses for a connection that is gone. */
const CONNECTION_LOST_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'The server does not support SSL connections',
  'There was an error establishing an SSL connection',
  // pg's own connect timeout destroys the socket with this error
  'timeout expired',
])

let cursorCount = 0

/**
 * The PostgreSQL dialect, on node-postgres (`pg`) clients.
 *
 * ```ts
 * const pool = createPool({ dialect: postgres({ connectionString: process.env.DATABASE_URL }) })
 * ```
 */
export class PgDialect implements Dialect<PgClient> {
  readonly kind = 'postgres' as const
  readonly description: string
  readonly defaultHealthCheckQuery = 'SELECT 1'
  readonly beginStatement = 'BEGIN'

  readonly #config: ResolvedPostgresConfig
  #driver: Promise<PgModule> | undefined
  /** Clients this dialect is closing, whose 'end' is not a loss. */
  readonly #closing = new WeakSet<PgClient>()
  readonly #statements: PgStatementCache

  /** Validates `config` now, so a bad option fails where the pool is created. */
  constructor(config: PostgresDialectConfig) {
    this.#config = resolvePostgresConfig(config)
    this.description = describe(this.#config)
    this.#statements = new PgStatementCache(this.#config, query, this.description)
  }

  /** False while statements run unnamed (no cache, `pooler: 'transaction'`, or a transaction pooler detected). */
  get namedStatements(): boolean {
    return this.#statements.named
  }

  async connect(): Promise<PgClient> {
    const { Client } = await this.#loadDriver()
    const client = new Client(this.#clientConfig())
    // pg emits 'error' on the client when its socket fails; without a listener
    // Node would throw it out of the event loop, so one stays attached for life
    client.on('error', ignore)
    try {
      await client.connect()
    } catch (error) {
      await this.close(client)
      throw error
    }
    return client
  }

  async run(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    const queryConfig: PgQueryConfig = { text: sql }
    if (params !== undefined) queryConfig.values = params
    if (options.rowMode === 'array') queryConfig.rowMode = 'array'
    const output = await this.#statements.run(raw, queryConfig, params, options)
    // a multi-statement simple query answers with one result per statement
    const last = Array.isArray(output) ? output[output.length - 1] : output
    return last === undefined ? { rows: [], raw: output } : toQueryResult(last, output)
  }

  async ping(raw: PgClient, sql: string): Promise<void> {
    await query(raw, { text: sql })
  }

  async reset(raw: PgClient, options: { readonly full: boolean }): Promise<void> {
    // with an unknown or not yet reported status (pg < 8.21, native client, a
    // statement still in flight) ROLLBACK is still safe: outside a transaction
    // the server only warns
    if (transactionStatus(raw) !== 'I' || raw.readyForQuery === false) await query(raw, { text: 'ROLLBACK' })
    if (!options.full) return this.#statements.settle(raw)
    await query(raw, { text: 'DISCARD ALL' })
    this.#statements.forget(raw)
    // DISCARD ALL deallocated the server's prepared statements; pg would
    // otherwise skip re-preparing a named query it thinks is still there
    forget(raw.connection?.parsedStatements)
    forget(raw.connection?.submittedNamedStatements)
  }

  async close(raw: PgClient): Promise<void> {
    this.#closing.add(raw)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), CLOSE_TIMEOUT_MILLIS)
      timer.unref()
    })
    try {
      // end() of a broken client may reject; that too means closed
      const ended = raw.end().then(() => false, () => false)
      // a peer that never answers the goodbye would leave end() pending forever
      if (await Promise.race([ended, timedOut])) raw.connection?.stream?.destroy()
    } catch {
      // the connection was already broken: closed is what we wanted
    } finally {
      clearTimeout(timer)
    }
  }

  async writePosition(raw: PgClient): Promise<string | undefined> {
    return firstValue(await query(raw, { text: WRITE_POSITION_SQL }), 'lsn')
  }

  async replayPosition(raw: PgClient): Promise<string | undefined> {
    return firstValue(await query(raw, { text: REPLAY_POSITION_SQL }), 'lsn')
  }

  positionReached(replayed: string, written: string): boolean {
    return lsnReached(replayed, written)
  }

  async replicaLag(raw: PgClient): Promise<number | undefined> {
    const output = await query(raw, { text: REPLICA_LAG_SQL })
    return lagFromRow(((Array.isArray(output) ? output[0] : output)?.rows[0] as Record<string, unknown> | undefined)?.lag)
  }

  /** Read or write, for routing; `'unknown'` (primary) whenever unsure. */
  classify(sql: string): StatementKind {
    // standard_conforming_strings (on by default since 9.1): a backslash is an ordinary character
    return classifyStatement(sql, { backslashEscapes: false })
  }

  isFatal(error: unknown): boolean {
    return isFatalPgError(error, 0)
  }

  watch(raw: PgClient, onLost: (error: Error) => void): void {
    raw.on('error', (error) => notify(onLost, error))
    raw.on('end', () => {
      if (!this.#closing.has(raw)) notify(onLost, new Error('Connection terminated'))
    })
  }

  statementCacheStats(raw: PgClient): StatementCacheStats {
    return this.#statements.stats(raw)
  }

  inTransaction(raw: PgClient): boolean | undefined {
    const status = transactionStatus(raw)
    if (status === 'I') return false
    return status === 'T' || status === 'E' ? true : undefined
  }

  /**
   * Streams through a server-side cursor, `chunkSize` rows per FETCH. Outside a
   * transaction it opens one to hold the cursor and commits it at the end (or
   * on an early `break`); inside one it only closes its cursor.
   */
  stream(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: StreamOptions): AsyncIterable<Record<string, unknown>> {
    const { chunkSize } = options
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new ConfigError('stream.chunkSize', chunkSize, 'must be an integer >= 1')
    }
    return streamRows(raw, sql, params, chunkSize)
  }

  /** Runs a batch in one round trip: all statements in one write, answers in one read (see `pg-batch.ts`). */
  async runBatch(raw: PgClient, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
    return pgRunBatch(raw, batch, mode, await this.#pipeliningHost(raw))
  }

  /** Runs one autocommit statement pipelined behind those in flight on `raw` (implicit pipelining, see `pg-implicit-pipe.ts`). */
  async runPipelined(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    return pgRunPipelined(raw, sql, params, options, await this.#pipeliningHost(raw))
  }

  async #pipeliningHost(raw: PgClient): Promise<PgPipeliningHost> {
    return {
      driver: await this.#loadDriver(),
      isFatal: (error) => this.isFatal(error),
      run: (sql, params, options) => this.run(raw, sql, params, options ?? {}),
      inTransaction: () => this.inTransaction(raw),
    }
  }

  #loadDriver(): Promise<PgModule> {
    if (this.#config.driver !== undefined) return Promise.resolve(this.#config.driver)
    this.#driver ??= loadDriver<PgModule>('pg', 'postgres').catch((error: unknown) => {
      // ensure a later connect() retries the import
      this.#driver = undefined
      throw error
    })
    return this.#driver
  }

  #clientConfig(): PgClientConfig {
    const c = this.#config
    return {
      connectionString: c.connectionString,
      host: c.host,
      port: c.port,
      user: c.user,
      password: c.password,
      database: c.database,
      ssl: c.ssl,
      connectionTimeoutMillis: c.connectTimeoutMillis,
      application_name: c.applicationName,
      statement_timeout: c.statementTimeoutMillis,
      types: c.types,
    }
  }
}

/**
 * The PostgreSQL dialect. Validates `config` at call time and throws a
 * `ConfigError` naming the option at fault; `pg` itself is imported on the
 * first connect (or taken from `config.driver`).
 *
 * ```ts
 * postgres({ host: 'db', user: 'app', password: secret, database: 'shop' })
 * ```
 */
export function postgres(config: PostgresDialectConfig): Dialect<PgClient> {
  return new PgDialect(config)
}

function describe(config: ResolvedPostgresConfig): string {
  if (config.connectionString !== undefined) return describeUrl(config.connectionString)
  return describeParts('postgres', { user: config.user, host: config.host, port: config.port ?? 5432, database: config.database })
}

/**
 * `client.query()`, except that a failure settles only once pg has the
 * statement's ReadyForQuery. pg rejects on the server's ErrorResponse, one
 * packet before the ReadyForQuery that carries the new transaction status
 * (`'E'`); without the wait, `inTransaction()` right after a failed statement
 * would still report the status from before it.
 */
function firstValue(output: PgResult | PgResult[], column: string): string | undefined {
  const value = ((Array.isArray(output) ? output[0] : output)?.rows[0] as Record<string, unknown> | undefined)?.[column]
  return value === null || value === undefined ? undefined : String(value)
}

async function query(client: PgClient, config: PgQueryConfig): Promise<PgResult | PgResult[]> {
  try {
    // pg copies a config object on every call; the (text, values) form spares that where nothing else is asked
    return await (config.name === undefined && config.rowMode === undefined ? client.query(config.text, config.values) : client.query(config))
  } catch (error) {
    // a dead connection sends no ReadyForQuery
    if (!isFatalPgError(error, 0)) await readyForQuery(client)
    throw error
  }
}

function readyForQuery(client: PgClient): Promise<void> {
  const connection = client.connection
  if (client.readyForQuery !== false || connection?.once === undefined || connection.removeListener === undefined) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      connection.removeListener?.('readyForQuery', done)
      connection.removeListener?.('end', done)
      resolve()
    }
    // pg's own listener was attached at connect, so it has updated the status when this runs
    connection.once?.('readyForQuery', done)
    connection.once?.('end', done)
    // never hold an error back for long, whatever happens to the socket
    const timer = setTimeout(done, SETTLE_TIMEOUT_MILLIS)
    timer.unref()
  })
}

function forget(statements: Record<string, unknown> | undefined): void {
  if (statements !== undefined) for (const name of Object.keys(statements)) delete statements[name]
}

function transactionStatus(client: PgClient): string | null {
  return client.getTransactionStatus?.() ?? null
}

function isFatalPgError(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, severity, message, errors, cause } = error as Record<string, unknown>
  if (typeof severity === 'string' && typeof code === 'string') {
    // a server error: its SQLSTATE decides, never its (user-controlled) message
    return code.startsWith('08') || FATAL_SQLSTATES.has(code) || severity === 'FATAL' || severity === 'PANIC'
  }
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true
  if (typeof message === 'string' && CONNECTION_LOST_MESSAGES.has(message)) return true
  // net's happy-eyeballs connect fails with an AggregateError of per-address errors
  if (Array.isArray(errors) && errors.some((inner) => isFatalPgError(inner, depth + 1))) return true
  return depth < 3 && cause !== undefined && isFatalPgError(cause, depth + 1)
}

async function* streamRows(client: PgClient, sql: string, params: readonly unknown[] | undefined, chunkSize: number): AsyncGenerator<Record<string, unknown>> {
  const cursor = `sluice_cursor_${++cursorCount}`
  const ownTransaction = !(await transactionOpen(client))
  if (ownTransaction) await query(client, { text: 'BEGIN' })
  let failed = false
  try {
    const declare: PgQueryConfig = { text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql.replace(/[\s;]+$/, '')}` }
    if (params !== undefined) declare.values = params
    await query(client, declare)
    const fetch = { text: `FETCH FORWARD ${chunkSize} FROM ${cursor}` }
    for (;;) {
      const result = await query(client, fetch)
      const rows = (Array.isArray(result) ? [] : result.rows) as Array<Record<string, unknown>>
      yield* rows
      if (rows.length < chunkSize) break
    }
  } catch (error) {
    failed = true
    throw error
  } finally {
    // runs on completion, on error and on the consumer's early break (return())
    const ending = endCursor(client, cursor, ownTransaction, failed)
    // after a failure, a failing clean-up must not hide the original error
    await (failed ? ending.catch(ignore) : ending)
  }
}

async function endCursor(client: PgClient, cursor: string, ownTransaction: boolean, failed: boolean): Promise<void> {
  // ending our own transaction closes the cursor with it
  if (ownTransaction) await query(client, { text: failed ? 'ROLLBACK' : 'COMMIT' })
  // after a server error the caller's transaction is aborted and the cursor gone with it
  else if (!failed) await query(client, { text: `CLOSE ${cursor}` })
}

async function transactionOpen(client: PgClient): Promise<boolean> {
  const status = transactionStatus(client)
  if (status !== null) return status !== 'I'
  // pg < 8.21 and the native client do not say; SAVEPOINT fails outside a transaction block
  try {
    await query(client, { text: 'SAVEPOINT sluice_stream_probe' })
  } catch (error) {
    if ((error as { code?: unknown }).code === '25P01') return false
    throw error
  }
  await query(client, { text: 'RELEASE SAVEPOINT sluice_stream_probe' })
  return true
}

function notify(onLost: (error: Error) => void, error: Error): void {
  try {
    onLost(error)
  } catch {
    // a throwing listener must not escape into pg's socket handlers
  }
}

function ignore(): void {}
