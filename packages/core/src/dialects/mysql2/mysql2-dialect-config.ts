import { ConfigError } from '../../errors/config-error.js'
import { resolveStatementCacheConfig, type PrepareMode } from '../../statements/prepare-policy.js'
import { describeParts, describeUrl } from '../../util/describe-url.js'
import type { Mysql2Module, Mysql2SslOptions, Mysql2TypeCast } from './mysql2-driver-types.js'

/**
 * Options of the MySQL/MariaDB dialect (driver `mysql2`). Give either a
 * `connectionString` or the separate `host`/`port`/`user`/`password`/`database`.
 *
 * ```ts
 * mysql({ connectionString: 'mysql://app:secret@db:3306/shop', timezone: 'Z' })
 * ```
 */
export interface MysqlDialectConfig {
  /** `mysql://user:password@host:port/database` (or `mariadb://`), without query parameters. */
  readonly connectionString?: string
  /** Defaults to `localhost`. */
  readonly host?: string
  /** Defaults to 3306. */
  readonly port?: number
  readonly user?: string
  readonly password?: string
  readonly database?: string
  /** `true` for TLS with the default CA checks, a mysql2 SSL profile name, or TLS options. */
  readonly ssl?: boolean | string | Mysql2SslOptions
  /** How long opening one connection (TCP, TLS and authentication) may take. Defaults to 10000. */
  readonly connectTimeoutMillis?: number
  /**
   * The server stops any statement of the session that runs longer (MariaDB's
   * `max_statement_time`; on MySQL `max_execution_time`, which covers SELECT
   * only), set on each new connection. Defaults to the server's setting.
   */
  readonly statementTimeoutMillis?: number
  /** How mysql2 converts dates: `'local'`, `'Z'` or `'+HH:MM'`. Defaults to mysql2's `'local'`. */
  readonly timezone?: string
  /** The connection collation, e.g. `'utf8mb4_unicode_ci'`. Defaults to mysql2's. */
  readonly charset?: string
  /** Return date columns as strings (all of them, or the listed types). */
  readonly dateStrings?: boolean | ReadonlyArray<'TIMESTAMP' | 'DATETIME' | 'DATE'>
  readonly supportBigNumbers?: boolean
  readonly bigNumberStrings?: boolean
  /** mysql2's `typeCast`, passed through. */
  readonly typeCast?: Mysql2TypeCast
  /**
   * Lets one query carry several statements separated by `;`, answered as
   * mysql2 answers them (`raw` holds one result per statement; `rows` are the
   * first result set's). It is off by default, as in mysql2, because it turns
   * an SQL injection into any statement: turn it on only for SQL you wrote
   * (migrations, scripts), never for text with user input spliced in. Defaults to `false`.
   */
  readonly multipleStatements?: boolean
  /** An already imported `mysql2` module, to share one instance with an ORM. Loaded lazily when absent. */
  readonly driver?: Mysql2Module
  /**
   * Server-side prepared statements kept per connection (the least recently
   * used one is closed); `0` disables the cache. Keep `statementCacheSize` ×
   * connections of every client well below the server's global
   * `max_prepared_stmt_count` (16382 by default). Defaults to 100.
   */
  readonly statementCacheSize?: number
  /**
   * Which statements run prepared (binary protocol) when the caller does not
   * pass `prepare`: `'explicit'` (only `prepare: true`), `'parameterized'` or
   * `'all'`. Defaults to `'explicit'`: the binary protocol binds and decodes
   * some values differently from the text protocol (`IN (?)` with an array,
   * FLOAT columns).
   */
  readonly prepare?: PrepareMode
}

/** The validated, frozen configuration. `password` is not enumerable. */
export interface ResolvedMysqlConfig {
  readonly host: string
  readonly port: number
  readonly user: string | undefined
  readonly password: string | undefined
  readonly database: string | undefined
  readonly ssl: string | Mysql2SslOptions | undefined
  readonly connectTimeoutMillis: number
  readonly statementTimeoutMillis: number | undefined
  readonly timezone: string | undefined
  readonly charset: string | undefined
  readonly dateStrings: boolean | ReadonlyArray<'TIMESTAMP' | 'DATETIME' | 'DATE'> | undefined
  readonly supportBigNumbers: boolean | undefined
  readonly bigNumberStrings: boolean | undefined
  readonly typeCast: Mysql2TypeCast | undefined
  readonly multipleStatements: boolean
  readonly driver: Mysql2Module | undefined
  readonly statementCacheSize: number
  readonly prepare: PrepareMode
  /** Where the dialect connects, without the password. */
  readonly description: string
}

export const DEFAULT_MYSQL_HOST = 'localhost'
export const DEFAULT_MYSQL_PORT = 3306
export const DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000
/** Prepared statements per connection: 100 × 150 connections stays under MariaDB's default max_prepared_stmt_count (16382). */
export const DEFAULT_STATEMENT_CACHE_SIZE = 100

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'connectionString', 'host', 'port', 'user', 'password', 'database', 'ssl', 'connectTimeoutMillis',
  'statementTimeoutMillis', 'timezone', 'charset', 'dateStrings', 'supportBigNumbers', 'bigNumberStrings', 'typeCast', 'driver',
  'statementCacheSize', 'prepare', 'multipleStatements',
])
const PART_KEYS = ['host', 'port', 'user', 'password', 'database'] as const
const DATE_STRING_TYPES: ReadonlySet<unknown> = new Set(['TIMESTAMP', 'DATETIME', 'DATE'])
const TIMEZONE = /^(local|Z|[+-]\d{2}:\d{2})$/

interface Endpoint {
  scheme: string
  host: string
  port: number
  user: string | undefined
  password: string | undefined
  database: string | undefined
}

/** Validates the dialect options; throws a {@link ConfigError} naming the first bad one. */
export function resolveMysqlConfig(input: unknown): ResolvedMysqlConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('dialect', input, 'must be an object of mysql dialect options')
  }
  const options = input as Record<string, unknown>
  rejectUnknownKeys(options)
  const endpoint = resolveEndpoint(options)
  const resolved = {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    database: endpoint.database,
    ssl: resolveSsl(options.ssl),
    connectTimeoutMillis: optionalPositiveInteger(options, 'connectTimeoutMillis') ?? DEFAULT_CONNECT_TIMEOUT_MILLIS,
    statementTimeoutMillis: optionalPositiveInteger(options, 'statementTimeoutMillis'),
    timezone: optionalTimezone(options.timezone),
    charset: optionalString(options, 'charset', false),
    dateStrings: optionalDateStrings(options.dateStrings),
    supportBigNumbers: optionalBoolean(options, 'supportBigNumbers'),
    bigNumberStrings: optionalBoolean(options, 'bigNumberStrings'),
    typeCast: optionalTypeCast(options.typeCast),
    multipleStatements: optionalBoolean(options, 'multipleStatements') ?? false,
    driver: optionalDriver(options.driver),
    ...resolveStatementCacheConfig(options, { statementCacheSize: DEFAULT_STATEMENT_CACHE_SIZE, prepare: 'explicit' }),
    description: describeEndpoint(options, endpoint),
  }
  // a secret never shows up in JSON.stringify, spreads or console.log of the config
  Object.defineProperty(resolved, 'password', { value: endpoint.password, enumerable: false })
  return Object.freeze(resolved as typeof resolved & { readonly password: string | undefined })
}

function rejectUnknownKeys(options: Record<string, unknown>): void {
  for (const key of Object.keys(options)) {
    if (KNOWN_KEYS.has(key)) continue
    // the value of a misspelt key may well be a password: never print a string
    const value = options[key]
    const rule = `is not a mysql dialect option (known: ${[...KNOWN_KEYS].join(', ')})`
    throw new ConfigError(`dialect.${key}`, typeof value === 'string' ? '<not shown>' : value, rule)
  }
}

function resolveEndpoint(options: Record<string, unknown>): Endpoint {
  if (options.connectionString === undefined) {
    return {
      scheme: 'mysql',
      host: optionalString(options, 'host', false) ?? DEFAULT_MYSQL_HOST,
      port: optionalPort(options.port, 'dialect.port') ?? DEFAULT_MYSQL_PORT,
      user: optionalString(options, 'user', true),
      password: optionalString(options, 'password', true),
      database: optionalString(options, 'database', false),
    }
  }
  for (const key of PART_KEYS) {
    if (options[key] !== undefined) {
      throw new ConfigError(`dialect.${key}`, options[key], 'cannot be combined with connectionString; put it in the URL or drop connectionString')
    }
  }
  return parseConnectionString(options.connectionString)
}

function parseConnectionString(value: unknown): Endpoint {
  const field = 'dialect.connectionString'
  const url = typeof value === 'string' ? tryParseUrl(value) : undefined
  if (!url || (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:')) {
    throw new ConfigError(field, value, 'must be a mysql:// or mariadb:// URL')
  }
  if (url.hostname === '') throw new ConfigError(field, value, 'must name a host')
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(field, value, 'must not have query parameters or a fragment; pass ssl, charset, timezone and the like as dialect options')
  }
  const path = decode(url.pathname.replace(/^\//, ''), field, value)
  if (path.includes('/')) throw new ConfigError(field, value, 'must have at most one path segment, the database')
  return {
    scheme: url.protocol.slice(0, -1),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_MYSQL_PORT : Number(url.port),
    user: url.username === '' ? undefined : decode(url.username, field, value),
    password: url.password === '' ? undefined : decode(url.password, field, value),
    database: path === '' ? undefined : path,
  }
}

function tryParseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

function decode(text: string, field: string, value: unknown): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new ConfigError(field, value, 'has a malformed percent-escape')
  }
}

function describeEndpoint(options: Record<string, unknown>, endpoint: Endpoint): string {
  if (typeof options.connectionString === 'string') return describeUrl(options.connectionString)
  return describeParts(endpoint.scheme, endpoint)
}

function optionalString(options: Record<string, unknown>, key: string, allowEmpty: boolean): string | undefined {
  const value = options[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new ConfigError(`dialect.${key}`, value, allowEmpty ? 'must be a string' : 'must be a non-empty string')
  }
  return value
}

function optionalBoolean(options: Record<string, unknown>, key: string): boolean | undefined {
  const value = options[key]
  if (value === undefined || typeof value === 'boolean') return value
  throw new ConfigError(`dialect.${key}`, value, 'must be a boolean')
}

function optionalPositiveInteger(options: Record<string, unknown>, key: string): number | undefined {
  const value = options[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`dialect.${key}`, value, 'must be an integer >= 1')
  }
  return value
}

function optionalPort(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new ConfigError(field, value, 'must be an integer from 1 to 65535')
  }
  return value
}

function resolveSsl(value: unknown): string | Mysql2SslOptions | undefined {
  if (value === undefined || value === false) return undefined
  // mysql2 has no `ssl: true`; an empty options object means TLS with the default CA checks
  if (value === true) return Object.freeze({})
  if (typeof value === 'string' && value !== '') return value
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.freeze({ ...value })
  throw new ConfigError('dialect.ssl', value, 'must be a boolean, a mysql2 SSL profile name or an object of TLS options')
}

function optionalTimezone(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !TIMEZONE.test(value)) {
    throw new ConfigError('dialect.timezone', value, "must be 'local', 'Z' or an offset like '+02:00'")
  }
  return value
}

function optionalDateStrings(value: unknown): ResolvedMysqlConfig['dateStrings'] {
  if (value === undefined || typeof value === 'boolean') return value
  if (Array.isArray(value) && value.every((type) => DATE_STRING_TYPES.has(type))) {
    return Object.freeze([...(value as Array<'TIMESTAMP' | 'DATETIME' | 'DATE'>)])
  }
  throw new ConfigError('dialect.dateStrings', value, "must be a boolean or an array of 'TIMESTAMP', 'DATETIME', 'DATE'")
}

function optionalTypeCast(value: unknown): Mysql2TypeCast | undefined {
  if (value === undefined || typeof value === 'boolean' || typeof value === 'function') {
    return value as Mysql2TypeCast | undefined
  }
  throw new ConfigError('dialect.typeCast', value, 'must be a boolean or a function (field, next) => value')
}

function optionalDriver(value: unknown): Mysql2Module | undefined {
  if (value === undefined) return undefined
  const candidate = value as { createConnection?: unknown; PromiseConnection?: unknown } | null
  const isModule = (typeof value === 'object' || typeof value === 'function') && typeof candidate?.createConnection === 'function'
  // mysql2/promise has a createConnection too, but it returns a promise, not a Connection
  if (isModule && candidate?.PromiseConnection === undefined) return value as Mysql2Module
  throw new ConfigError('dialect.driver', value, "must be the mysql2 module (import mysql2 from 'mysql2'), not mysql2/promise")
}
