import type { BatchMode, BatchOutcome, BatchStatement, Dialect, QueryResult, RunOptions, ServerRoom, StatementCacheStats, StatementEnd, StatementKind, StreamOptions } from '../../dialect.js'
import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import { ConfigError } from '../../errors/config-error.js'
import { analyzeStatement, classifyStatement, type StatementAnalysis } from '../../sql/classify-statement.js'
import type { FunctionCall } from '../../sql/function-call.js'
import { systemClock, type TimerHandle } from '../../util/clock.js'
import { describeParts, describeUrl } from '../../util/describe-url.js'
import { loadDriver } from '../../util/load-driver.js'
import { CANCEL_TIMEOUT_MILLIS } from '../../config/defaults.js'
import { pgRunBatch } from './pg-batch.js'
import { sendPgCancel } from './pg-cancel.js'
import { resolvePostgresConfig, type PostgresDialectConfig, type ResolvedPostgresConfig } from './pg-dialect-config.js'
import type { PgClient, PgClientConfig, PgModule, PgQueryConfig, PgResult } from './pg-driver-types.js'
import { classifyPgConnectError, isFatalPgError } from './pg-fatal-error.js'
import { functionSafetyQuery, judgeFromCatalogue, type CatalogueRow } from './pg-function-safety.js'
import { pgRunPipelined } from './pg-pipelined-statement.js'
import { query, queryThen, transactionStatus, type PgAnswer } from './pg-query.js'
import { lagFromRow, lsnReached, REPLAY_POSITION_SQL, REPLICA_LAG_SQL, WRITE_POSITION_SQL } from './pg-replication.js'
import { toQueryResult } from './pg-result.js'
import { SERVER_ROOM_SQL, serverRoomFromRow } from './pg-server-room.js'
import { PgStatementCache } from './pg-statement-cache.js'
import { streamRows } from './pg-stream.js'
import type { PgPipeliningHost } from './pg-wire-pipeline.js'

/** How long `close()` waits for pg's goodbye before it destroys the socket. */
const CLOSE_TIMEOUT_MILLIS = 5_000

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
    this.#statements = new PgStatementCache(this.#config, this.description)
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

  /**
   * One statement: named from the statement cache when it qualifies, else
   * unnamed straight through pg. Either way the step that turns pg's answer
   * into the result also tells the cache the statement ran (DDL moves its
   * schema epoch), and a failure settles at its ReadyForQuery first.
   */
  run(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    return this.runThen(raw, sql, params, options, AS_IS)
  }

  /**
   * `run()` finished by `end` in the same promise. An unnamed statement
   * takes pg's callback form as pg.Pool calls it, one promise from here to
   * pg's answer (`queryThen`); a named one the cache's way.
   */
  runThen<T>(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions, end: StatementEnd<T>): Promise<T> {
    const statements = this.#statements
    const answer = new PgAnswered(statements, raw, sql, end)
    let cached: boolean
    try {
      cached = statements.caches(sql, params, options)
    } catch (error) {
      answer.failed(error)
      return Promise.reject(error as Error)
    }
    if (!cached) {
      // no config object unless pg needs one: it copies it anyway
      const config: PgQueryConfig | undefined = options.rowMode === 'array' ? { text: sql, values: params, rowMode: 'array' } : undefined
      return queryThen(raw, sql, params, config, answer)
    }
    const config: PgQueryConfig = { text: sql }
    if (params !== undefined) config.values = params
    if (options.rowMode === 'array') config.rowMode = 'array'
    const prepared = statements.runPreparedThen(raw, config, answer)
    if (prepared !== undefined) return prepared
    // the cache settles a failure itself (its recoveries read the transaction status after it)
    return statements.runCached(raw, config).then(
      (output) => answer.succeeded(output),
      (error: unknown) => {
        answer.failed(error)
        throw error
      },
    )
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
    let timer: TimerHandle | undefined
    // whoever closes waits on it (pool.close() waits for every close)
    const timedOut = new Promise<boolean>((resolve) => (timer = systemClock.setTimeout(() => resolve(true), CLOSE_TIMEOUT_MILLIS, 'awaited')))
    try {
      // end() of a broken client may reject; that too means closed
      const ended = raw.end().then(() => false, () => false)
      // a peer that never answers the goodbye would leave end() pending forever
      if (await Promise.race([ended, timedOut])) raw.connection?.stream?.destroy()
    } catch {
      // the connection was already broken: closed is what we wanted
    } finally {
      if (timer !== undefined) systemClock.clearTimeout(timer)
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

  async serverRoom(raw: PgClient): Promise<ServerRoom> {
    const output = await query(raw, { text: SERVER_ROOM_SQL })
    return serverRoomFromRow((Array.isArray(output) ? output[0] : output)?.rows[0] as Record<string, unknown> | undefined)
  }

  /** Read or write, for routing; `'unknown'` (primary) whenever unsure. */
  classify(sql: string): StatementKind {
    // standard_conforming_strings (on by default since 9.1): a backslash is an ordinary character
    return classifyStatement(sql, 'postgres')
  }

  /** The statement's kind from its text and the functions it calls (judged by `judgeFunctions`). */
  analyze(sql: string): StatementAnalysis {
    return analyzeStatement(sql, 'postgres')
  }

  /** Which of `calls` may run on a replica, by their volatility in `pg_proc` (see `pg-function-safety.ts`). */
  async judgeFunctions(raw: PgClient, calls: readonly FunctionCall[]): Promise<ReadonlyMap<string, 'safe' | 'unsafe'>> {
    const output = await query(raw, functionSafetyQuery(calls))
    return judgeFromCatalogue(calls, ((Array.isArray(output) ? output[0] : output)?.rows ?? []) as CatalogueRow[])
  }

  isFatal(error: unknown): boolean {
    return isFatalPgError(error, 0)
  }

  classifyConnectError(error: unknown): PermanentConnectReason | 'transient' {
    return classifyPgConnectError(error)
  }

  /** Stops the statement running on `raw` with a cancel request (see `pg-cancel.ts`). */
  cancel(raw: PgClient): Promise<void> {
    return sendPgCancel(raw, raw.ssl ?? this.#config.ssl, CANCEL_TIMEOUT_MILLIS)
  }

  keepProcessAlive(raw: PgClient, keep: boolean): void {
    try {
      if (keep) raw.ref?.()
      else raw.unref?.()
    } catch {
      // a client whose socket is gone keeps nothing alive anyway
    }
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

  /** Streams any row-returning statement through a portal, `chunkSize` rows per round trip (see `pg-stream.ts`). */
  stream(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: StreamOptions): AsyncIterable<Record<string, unknown>> {
    const { chunkSize } = options
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new ConfigError('stream.chunkSize', chunkSize, 'must be an integer >= 1')
    }
    return streamRows(raw, { sql, params, chunkSize }, () => this.#loadDriver())
  }

  /** Runs a batch in one round trip: all statements in one write, answers in one read (see `pg-batch.ts`). */
  async runBatch(raw: PgClient, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
    try {
      return await pgRunBatch(raw, batch, mode, await this.#pipeliningHost(raw))
    } finally {
      for (const statement of batch) this.#statements.observe(raw, statement.sql)
    }
  }

  /** Runs one autocommit statement pipelined behind those in flight on `raw` (implicit pipelining, see `pg-pipelined-statement.ts`). */
  async runPipelined(raw: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    try {
      // the connection's first cacheable statement waits for its route probe, as on the ordinary path
      await this.#statements.preparePipelining(raw, params, options)
      return await pgRunPipelined(raw, sql, params, options, await this.#pipeliningHost(raw), this.#statements)
    } finally {
      this.#statements.observe(raw, sql)
    }
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
 * What the dialect does with pg's answer to one statement before `end`
 * sees it: tells the statement cache it ran (DDL moves the schema epoch),
 * failed or not, and turns pg's output into the result.
 */
class PgAnswered<T> implements PgAnswer<T> {
  readonly #statements: PgStatementCache
  readonly #raw: PgClient
  readonly #sql: string
  readonly #end: StatementEnd<T>

  constructor(statements: PgStatementCache, raw: PgClient, sql: string, end: StatementEnd<T>) {
    this.#statements = statements
    this.#raw = raw
    this.#sql = sql
    this.#end = end
  }

  succeeded(output: PgResult | PgResult[]): T {
    this.#statements.observe(this.#raw, this.#sql)
    return this.#end.succeeded(toRunResult(output))
  }

  failed(error: unknown): void {
    this.#statements.observe(this.#raw, this.#sql)
    this.#end.failed(error)
  }
}

/** `run()`'s end: the result as it is. */
const AS_IS: StatementEnd<QueryResult> = { succeeded: (result) => result, failed: () => {} }

/** What `run()` answers: a multi-statement simple query answers with one result per statement, the last one counts. */
function toRunResult(output: PgResult | PgResult[]): QueryResult {
  const last = Array.isArray(output) ? output[output.length - 1] : output
  return last === undefined ? { rows: [], raw: output } : toQueryResult(last, output)
}

function firstValue(output: PgResult | PgResult[], column: string): string | undefined {
  const value = ((Array.isArray(output) ? output[0] : output)?.rows[0] as Record<string, unknown> | undefined)?.[column]
  return value === null || value === undefined ? undefined : String(value)
}

function forget(statements: Record<string, unknown> | undefined): void {
  if (statements !== undefined) for (const name of Object.keys(statements)) delete statements[name]
}

function notify(onLost: (error: Error) => void, error: Error): void {
  try {
    onLost(error)
  } catch {
    // a throwing listener must not escape into pg's socket handlers
  }
}

function ignore(): void {}
