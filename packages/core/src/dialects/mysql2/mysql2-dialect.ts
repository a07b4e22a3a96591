import type { BatchMode, BatchOutcome, BatchStatement, Dialect, QueryResult, RunOptions, ServerRoom, StatementCacheStats, StatementKind, StreamOptions } from '../../dialect.js'
import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import { analyzeStatement, classifyStatement, type StatementAnalysis } from '../../sql/classify-statement.js'
import { systemClock } from '../../util/clock.js'
import { loadDriver } from '../../util/load-driver.js'
import { resolveMysqlConfig, type MysqlDialectConfig, type ResolvedMysqlConfig } from './mysql2-dialect-config.js'
import {
  mysql2Internals,
  type Mysql2Connection,
  type Mysql2ConnectionOptions,
  type Mysql2Handshake,
  type Mysql2Module,
  type Mysql2QueryCallback,
} from './mysql2-driver-types.js'
import { classifyMysql2ConnectError, isMysql2FatalError } from './mysql2-fatal-error.js'
import { gtidReached, lagFromSlaveStatus, REPLAY_POSITION_SQL, WRITE_POSITION_SQL } from './mysql2-replication.js'
import { toQueryResult } from './mysql2-result.js'
import { MAX_CONNECTIONS_SQL, serverRoomFrom, THREADS_CONNECTED_SQL } from './mysql2-server-room.js'
import { connectionLostError, streamMysql2Rows } from './mysql2-stream.js'
import { Mysql2SessionState } from './mysql2-session-state.js'
import { Mysql2StatementCache } from './mysql2-statement-cache.js'
import { runMysql2Batch } from './mysql2-batch.js'
import { killQuerySql, setStatementTimeout } from './mysql2-statement-timeout.js'

/** How long `close()` waits for a polite QUIT before it destroys the socket. */
const CLOSE_TIMEOUT_MILLIS = 2_000
/** Slack past mysql2's own connect timeout before our guard gives up. */
const CONNECT_GUARD_SLACK_MILLIS = 1_000

/**
 * The MySQL/MariaDB dialect, on the `mysql2` driver's callback API. `Raw` is
 * a mysql2 `Connection`.
 *
 * ```ts
 * const dialect = mysql({ connectionString: 'mysql://app:secret@db:3306/shop' })
 * ```
 */
export class Mysql2Dialect implements Dialect<Mysql2Connection> {
  readonly kind = 'mysql' as const
  readonly description: string
  readonly defaultHealthCheckQuery = 'SELECT 1'
  readonly beginStatement = 'BEGIN'

  readonly #config: ResolvedMysqlConfig
  readonly #sessions = new WeakMap<Mysql2Connection, Mysql2SessionState>()
  readonly #statements: Mysql2StatementCache
  #driver: Promise<Mysql2Module> | undefined

  constructor(config: MysqlDialectConfig) {
    this.#config = resolveMysqlConfig(config)
    this.#statements = new Mysql2StatementCache(this.#config)
    this.description = this.#config.description
  }

  async connect(): Promise<Mysql2Connection> {
    const raw = await this.#open(await this.#loadDriver())
    const timeout = this.#config.statementTimeoutMillis
    if (timeout === undefined) return raw
    try {
      await setStatementTimeout((sql) => this.run(raw, sql, undefined, { prepare: false }), timeout)
    } catch (error) {
      await this.close(raw)
      throw error
    }
    return raw
  }

  /** Stops the statement running on `raw` with `KILL QUERY` from a connection of its own, opened for it and closed after. */
  async cancel(raw: Mysql2Connection): Promise<void> {
    const kill = killQuerySql(raw)
    if (kill === undefined) throw new Error('mysql2 did not report the session id needed to stop its statement')
    const side = await this.#open(await this.#loadDriver())
    try {
      await this.run(side, kill, undefined, { prepare: false })
    } finally {
      await this.close(side)
    }
  }

  keepProcessAlive(raw: Mysql2Connection, keep: boolean): void {
    const socket = mysql2Internals(raw).stream
    if (keep) socket?.ref?.()
    else socket?.unref?.()
  }

  run(raw: Mysql2Connection, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    const session = this.#sessions.get(raw)
    return new Promise<QueryResult>((resolve, reject) => {
      session?.track(reject)
      const done: Mysql2QueryCallback = (error, result, fields) => {
        session?.untrack(reject)
        if (error) {
          session?.noteError()
          reject(error)
          return
        }
        resolve(toQueryResult(result, fields, session))
      }
      try {
        this.#send(raw, sql, params, options, done)
      } catch (error) {
        session?.untrack(reject)
        throw error
      }
    })
  }

  /** Hands one statement to mysql2: prepared from the statement cache, or as text. */
  #send(raw: Mysql2Connection, sql: string, params: readonly unknown[] | undefined, options: RunOptions, done: Mysql2QueryCallback): void {
    const rowsAsArray = options.rowMode === 'array'
    const { typeCast } = options
    // mysql2 binds `?` placeholders itself (escaping each value); we never splice
    const values = params as unknown[] | undefined
    if (typeCast === undefined && this.#statements.wants(params, options)) this.#statements.execute(raw, { sql, params, rowsAsArray }, done)
    // the common call takes the positional form: mysql2 copies an options object twice per call (the costliest step of its own in the profile)
    else if (!rowsAsArray && typeCast === undefined) raw.query(sql, values, done)
    else raw.query({ sql, values, rowsAsArray, ...(typeCast === undefined ? {} : { typeCast }) }, done)
  }

  async ping(raw: Mysql2Connection, sql: string): Promise<void> {
    // health checks stay out of the statement cache and its figures
    await this.run(raw, sql, undefined, { prepare: false })
  }

  async reset(raw: Mysql2Connection, options: { readonly full: boolean }): Promise<void> {
    const session = this.#sessions.get(raw)
    if (options.full) {
      await resetConnection(raw, session)
      this.#statements.forget(raw)
      return
    }
    // ROLLBACK with no transaction open is a no-op on the server, so an
    // unknown state costs one round trip; only a known `false` skips it
    if (session?.inTransaction === false) return
    await this.run(raw, 'ROLLBACK', undefined, {})
  }

  async close(raw: Mysql2Connection): Promise<void> {
    const session = this.#sessions.get(raw)
    if (session) session.closing = true
    const socket = mysql2Internals(raw).stream
    if (!socket || socket.destroyed) {
      destroyQuietly(raw)
      session?.abort(destroyedError())
      return
    }
    await new Promise<void>((resolve) => {
      // whoever closes waits on it (pool.close() waits for every close)
      const timer = systemClock.setTimeout(
        () => {
          // QUIT is queued behind a statement that does not finish, or the server does not answer
          destroyQuietly(raw)
          session?.abort(destroyedError())
          resolve()
        },
        CLOSE_TIMEOUT_MILLIS,
        'awaited',
      )
      socket.once('close', () => {
        systemClock.clearTimeout(timer)
        resolve()
      })
      try {
        // the callback gets an error when the connection is already closed; the socket then closes anyway
        raw.end(() => {})
      } catch {
        destroyQuietly(raw)
      }
    })
  }

  async writePosition(raw: Mysql2Connection): Promise<string | undefined> {
    return stringValue((await this.run(raw, WRITE_POSITION_SQL, undefined, {})).rows[0]?.gtid)
  }

  async replayPosition(raw: Mysql2Connection): Promise<string | undefined> {
    return stringValue((await this.run(raw, REPLAY_POSITION_SQL, undefined, {})).rows[0]?.gtid)
  }

  positionReached(replayed: string, written: string): boolean {
    return gtidReached(replayed, written)
  }

  async replicaLag(raw: Mysql2Connection): Promise<number | undefined> {
    return lagFromSlaveStatus((await this.run(raw, 'SHOW SLAVE STATUS', undefined, {})).rows[0])
  }

  async serverRoom(raw: Mysql2Connection): Promise<ServerRoom> {
    const limit = await this.run(raw, MAX_CONNECTIONS_SQL, undefined, {})
    const status = await this.run(raw, THREADS_CONNECTED_SQL, undefined, {})
    return serverRoomFrom(limit.rows[0], status.rows[0])
  }

  /** Read or write, for routing; `'unknown'` (primary) whenever unsure. */
  classify(sql: string): StatementKind {
    return classifyStatement(sql, 'mysql')
  }

  /** The statement's kind from its text and the functions it calls (stored functions go to the primary unless allowed). */
  analyze(sql: string): StatementAnalysis {
    // read by MySQL's rules, and also as a server with NO_BACKSLASH_ESCAPES would: both must agree
    return analyzeStatement(sql, 'mysql')
  }

  isFatal(error: unknown): boolean {
    return isMysql2FatalError(error)
  }

  classifyConnectError(error: unknown): PermanentConnectReason | 'transient' {
    return classifyMysql2ConnectError(error)
  }

  watch(raw: Mysql2Connection, onLost: (error: Error) => void): void {
    const session = this.#sessions.get(raw)
    // our own QUIT also ends the socket: that is not a loss worth reporting
    const report = (error: Error): void => {
      if (!session?.closing) onLost(error)
    }
    // the listeners swallow the error: mysql2 emits it on the connection, where nobody else listens
    raw.on('error', report)
    raw.on('end', () => report(connectionLostError()))
    // lost between connect() and watch(): no event will come again
    const lost = session?.lost
    if (lost) queueMicrotask(() => report(lost))
  }

  statementCacheStats(raw: Mysql2Connection): StatementCacheStats {
    return this.#statements.stats(raw)
  }

  inTransaction(raw: Mysql2Connection): boolean | undefined {
    return this.#sessions.get(raw)?.inTransaction
  }

  stream(raw: Mysql2Connection, sql: string, params: readonly unknown[] | undefined, options: StreamOptions): AsyncIterable<Record<string, unknown>> {
    return streamMysql2Rows(raw, sql, params, options, this.#sessions.get(raw))
  }

  /** Runs a batch back to back, runs of same-shape INSERTs folded into multi-row INSERTs (see `mysql2-batch.ts`). */
  runBatch(raw: Mysql2Connection, batch: readonly BatchStatement[], mode: BatchMode): Promise<BatchOutcome[]> {
    return runMysql2Batch(batch, mode, {
      run: (sql, params) => this.run(raw, sql, params, {}),
      inTransaction: () => this.inTransaction(raw),
      isFatal: (error) => this.isFatal(error),
    })
  }

  #loadDriver(): Promise<Mysql2Module> {
    const given = this.#config.driver
    if (given) return Promise.resolve(given)
    // memoized, but a failed load is retried on the next connect
    this.#driver ??= loadDriver<Mysql2Module>('mysql2', 'mysql').catch((error: unknown) => {
      this.#driver = undefined
      throw error
    })
    return this.#driver
  }

  #open(driver: Mysql2Module): Promise<Mysql2Connection> {
    const timeout = this.#config.connectTimeoutMillis
    return new Promise((resolve, reject) => {
      const connection = driver.createConnection({ ...connectionOptions(this.#config), ...this.#statements.connectionOptions() })
      // first of all: a failed connect must never surface as an unhandled 'error' event
      connection.on('error', (error) => this.#noteLost(connection, error))
      connection.on('end', () => this.#noteLost(connection, connectionLostError()))
      // mysql2 enforces connectTimeout itself; this guard only backs it up
      const guard = systemClock.setTimeout(() => fail(connectTimeoutError(this.description, timeout)), timeout + CONNECT_GUARD_SLACK_MILLIS, 'awaited')
      const fail = (error: Error): void => {
        systemClock.clearTimeout(guard)
        connection.removeListener('connect', succeed)
        destroyQuietly(connection)
        reject(error)
      }
      const succeed = (handshake: Mysql2Handshake): void => {
        systemClock.clearTimeout(guard)
        connection.removeListener('error', fail)
        const charsetNumber = mysql2Internals(connection).config?.charsetNumber
        this.#sessions.set(connection, new Mysql2SessionState(handshake.statusFlags, charsetNumber))
        resolve(connection)
      }
      connection.once('connect', succeed)
      connection.once('error', fail)
    })
  }

  #noteLost(connection: Mysql2Connection, error: Error): void {
    const session = this.#sessions.get(connection)
    if (session) session.lost ??= error
  }
}

/**
 * Creates the MySQL/MariaDB dialect. Validates `config` now, so that a bad
 * option fails at startup rather than at the first connect.
 *
 * ```ts
 * const pool = createPool({ dialect: mysql({ host: 'db', user: 'app', password, database: 'shop' }) })
 * ```
 */
export function mysql(config: MysqlDialectConfig): Dialect<Mysql2Connection> {
  return new Mysql2Dialect(config)
}

function connectionOptions(config: ResolvedMysqlConfig): Mysql2ConnectionOptions {
  const options: Mysql2ConnectionOptions = {
    host: config.host,
    port: config.port,
    connectTimeout: config.connectTimeoutMillis,
    // one statement per query is the injection guard mysql2 gives: lifted only when asked for
    multipleStatements: config.multipleStatements,
  }
  if (config.user !== undefined) options.user = config.user
  if (config.password !== undefined) options.password = config.password
  if (config.database !== undefined) options.database = config.database
  // mysql2 writes `rejectUnauthorized` into the TLS options it is given: hand it a copy
  if (config.ssl !== undefined) options.ssl = typeof config.ssl === 'string' ? config.ssl : { ...config.ssl }
  if (config.timezone !== undefined) options.timezone = config.timezone
  if (config.charset !== undefined) options.charset = config.charset
  if (config.dateStrings !== undefined) options.dateStrings = typeof config.dateStrings === 'boolean' ? config.dateStrings : [...config.dateStrings]
  if (config.supportBigNumbers !== undefined) options.supportBigNumbers = config.supportBigNumbers
  if (config.bigNumberStrings !== undefined) options.bigNumberStrings = config.bigNumberStrings
  if (config.typeCast !== undefined) options.typeCast = config.typeCast
  return options
}

/**
 * COM_RESET_CONNECTION (MySQL 5.7.3+, MariaDB 10.2.4+): rolls back, drops
 * temporary tables, clears user variables and prepared statements and
 * restores session variables, without re-authenticating as `changeUser`
 * would. mysql2 clears its statement cache itself.
 */
function resetConnection(raw: Mysql2Connection, session: Mysql2SessionState | undefined): Promise<void> {
  return tracked<void>(session, (resolve, reject) => {
    raw.reset((error) => {
      if (error) {
        session?.noteError()
        reject(error)
        return
      }
      session?.noteReset()
      restoreCharset(raw, session)
      resolve()
    })
  })
}

/**
 * The server restores the connection charset of the handshake on reset, but
 * mysql2 does not notice: after a `SET NAMES latin1` it would go on encoding
 * SQL as latin1. Put back the charset mysql2 started with.
 */
function restoreCharset(raw: Mysql2Connection, session: Mysql2SessionState | undefined): void {
  const config = mysql2Internals(raw).config
  const initial = session?.initialCharsetNumber
  if (config && initial !== undefined) config.charsetNumber = initial
}

/** A promise for one driver call, failed by `session.abort()` if mysql2 never answers. */
function tracked<T>(
  session: Mysql2SessionState | undefined,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    session?.track(reject)
    start(
      (value) => {
        session?.untrack(reject)
        resolve(value)
      },
      (error) => {
        session?.untrack(reject)
        reject(error)
      },
    )
  })
}

function destroyQuietly(raw: Mysql2Connection): void {
  try {
    raw.destroy()
    // mysql2's destroy() only half-closes; a hard close needs the socket
    mysql2Internals(raw).stream?.destroy()
  } catch {
    // already torn down
  }
}

function destroyedError(): Error {
  return Object.assign(new Error('Connection destroyed by close() before the statement running on it finished'), { fatal: true })
}

function connectTimeoutError(description: string, timeoutMillis: number): Error {
  return Object.assign(new Error(`connect ETIMEDOUT: ${description} did not complete the handshake within ${timeoutMillis}ms`), {
    code: 'ETIMEDOUT',
    fatal: true,
  })
}

function stringValue(value: unknown): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value)
}
