import { ConfigError } from '../../errors/config-error.js'
import { resolveStatementCacheConfig, type PrepareMode } from '../../statements/prepare-policy.js'
import type { PgModule, PgTypeOverrides } from './pg-driver-types.js'
import { resolvePgPooler, type PgPoolerMode } from './pg-pooler.js'

/** Defaults to 10 seconds. */
export const DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000
/** Shows up in `pg_stat_activity.application_name`. */
export const DEFAULT_APPLICATION_NAME = 'sluice'
/** Named prepared statements kept per connection; PostgreSQL itself has no limit. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 100

/**
 * Where and how the PostgreSQL dialect connects: either a `connectionString`
 * or the parts (`host`, `port`, `user`, `password`, `database`), not both.
 * Parts left out fall back to pg's defaults (`PGHOST`, `PGUSER`, ...).
 *
 * ```ts
 * postgres({ connectionString: process.env.DATABASE_URL })
 * postgres({ host: 'db', user: 'app', password: secret, database: 'shop', ssl: true })
 * ```
 */
export interface PostgresDialectConfig {
  /** `postgres://user:password@host:5432/database?sslmode=require`. */
  readonly connectionString?: string
  readonly host?: string
  /** Defaults to 5432. */
  readonly port?: number
  readonly user?: string
  /** A string, or a function for short-lived tokens (RDS IAM); it is never printed. */
  readonly password?: string | (() => string | Promise<string>)
  readonly database?: string
  /** `true`, or the TLS options object pg passes to `tls.connect`. Defaults to pg's (no TLS). */
  readonly ssl?: boolean | object
  /** Gives up on a connection attempt after this long; `0` waits forever. Defaults to 10000. */
  readonly connectTimeoutMillis?: number
  /** The session's `application_name`. Defaults to `'sluice'`. */
  readonly applicationName?: string
  /** The session's server-side `statement_timeout`. Defaults to the server's setting. */
  readonly statementTimeoutMillis?: number
  /**
   * An already-imported `pg` module, so that Sluice and an ORM share one pg
   * instance (and its type parsers). Defaults to `import('pg')` on first connect.
   */
  readonly driver?: PgModule
  /** pg's type parser overrides (`{ getTypeParser }`), passed to every client. */
  readonly types?: PgTypeOverrides
  /**
   * Named prepared statements kept per connection (least recently used ones
   * are deallocated); `0` runs every statement unnamed. Defaults to 100.
   */
  readonly statementCacheSize?: number
  /**
   * Which statements run from the cache when the caller does not pass
   * `prepare`: `'parameterized'` (those with parameters), `'all'` or
   * `'explicit'` (only `prepare: true`). Defaults to `'parameterized'`.
   */
  readonly prepare?: PrepareMode
  /**
   * A pooler between Sluice and the server: `'transaction'` (PgBouncer in
   * transaction mode before 1.21: never use named statements), `'none'`
   * (direct, or session pooling) or `'auto'` (detect it). Defaults to `'auto'`.
   */
  readonly pooler?: PgPoolerMode
}

/**
 * A validated {@link PostgresDialectConfig} with its defaults applied. Frozen;
 * `password` and `connectionString` are non-enumerable, so that logging or
 * spreading the object does not carry the secret along.
 */
export interface ResolvedPostgresConfig {
  readonly connectionString: string | undefined
  readonly host: string | undefined
  readonly port: number | undefined
  readonly user: string | undefined
  readonly password: string | (() => string | Promise<string>) | undefined
  readonly database: string | undefined
  readonly ssl: boolean | object | undefined
  readonly connectTimeoutMillis: number
  readonly applicationName: string
  readonly statementTimeoutMillis: number | undefined
  readonly driver: PgModule | undefined
  readonly types: PgTypeOverrides | undefined
  readonly statementCacheSize: number
  readonly prepare: PrepareMode
  readonly pooler: PgPoolerMode
}

const CONFIG_KEYS = [
  'connectionString',
  'host',
  'port',
  'user',
  'password',
  'database',
  'ssl',
  'connectTimeoutMillis',
  'applicationName',
  'statementTimeoutMillis',
  'driver',
  'types',
  'statementCacheSize',
  'prepare',
  'pooler',
] as const satisfies ReadonlyArray<keyof PostgresDialectConfig>

const PART_KEYS = ['host', 'port', 'user', 'password', 'database'] as const
const URL_PROTOCOLS = ['postgres:', 'postgresql:', 'socket:']

type Input = Record<string, unknown>

/** Validates a PostgreSQL dialect config once, naming the field at fault. */
export function resolvePostgresConfig(input: unknown): ResolvedPostgresConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('dialect', input, 'must be an object')
  }
  const config = input as Input
  rejectUnknownKeys(config)
  const connectionString = optionalConnectionString(config)
  if (connectionString !== undefined) rejectPartsNextToUrl(config)

  const resolved = {
    host: optionalString(config, 'host'),
    port: optionalInteger(config, 'port', 1, 65_535),
    user: optionalString(config, 'user'),
    database: optionalString(config, 'database'),
    ssl: optionalSsl(config),
    connectTimeoutMillis: optionalInteger(config, 'connectTimeoutMillis', 0) ?? DEFAULT_CONNECT_TIMEOUT_MILLIS,
    applicationName: optionalString(config, 'applicationName', true) ?? DEFAULT_APPLICATION_NAME,
    statementTimeoutMillis: optionalInteger(config, 'statementTimeoutMillis', 0),
    driver: optionalDriver(config),
    types: optionalTypes(config),
    ...resolveStatementCacheConfig(config, { statementCacheSize: DEFAULT_STATEMENT_CACHE_SIZE, prepare: 'parameterized' }),
    pooler: resolvePgPooler(config.pooler),
  }
  // secrets are readable by name but invisible to JSON.stringify, spread and util.inspect
  Object.defineProperty(resolved, 'connectionString', { value: connectionString, enumerable: false })
  Object.defineProperty(resolved, 'password', { value: optionalPassword(config), enumerable: false })
  return Object.freeze(resolved) as ResolvedPostgresConfig
}

function rejectUnknownKeys(config: Input): void {
  for (const key of Object.keys(config)) {
    if ((CONFIG_KEYS as readonly string[]).includes(key)) continue
    // a misspelt key may hold a secret (`pwd`), so a string value is not shown
    const shown = typeof config[key] === 'string' ? '<not shown>' : config[key]
    throw new ConfigError(`dialect.${key}`, shown, `unknown option; expected one of ${CONFIG_KEYS.join(', ')}`)
  }
}

function optionalConnectionString(config: Input): string | undefined {
  const value = config.connectionString
  if (value === undefined) return undefined
  const rule = `must be a ${URL_PROTOCOLS.map((p) => `${p}//`).join(' or ')} URL`
  if (typeof value !== 'string' || value === '') throw new ConfigError('dialect.connectionString', value, rule)
  let protocol: string
  try {
    protocol = new URL(value).protocol
  } catch {
    throw new ConfigError('dialect.connectionString', value, rule)
  }
  if (!URL_PROTOCOLS.includes(protocol)) throw new ConfigError('dialect.connectionString', value, rule)
  return value
}

function rejectPartsNextToUrl(config: Input): void {
  for (const key of PART_KEYS) {
    if (config[key] === undefined) continue
    // pg lets the URL silently win over the parts; ambiguity is better refused
    throw new ConfigError(`dialect.${key}`, config[key], 'cannot be combined with connectionString; put it in the URL or drop connectionString')
  }
}

function optionalString(config: Input, key: string, allowEmpty = false): string | undefined {
  const value = config[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new ConfigError(`dialect.${key}`, value, allowEmpty ? 'must be a string' : 'must be a non-empty string')
  }
  return value
}

function optionalInteger(config: Input, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = config[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`
    throw new ConfigError(`dialect.${key}`, value, `must be an integer ${range}`)
  }
  return value
}

function optionalPassword(config: Input): ResolvedPostgresConfig['password'] {
  const value = config.password
  if (value === undefined || typeof value === 'string') return value
  if (typeof value === 'function') return value as () => string | Promise<string>
  throw new ConfigError('dialect.password', value, 'must be a string or a function returning one')
}

function optionalSsl(config: Input): boolean | object | undefined {
  const value = config.ssl
  if (value === undefined || typeof value === 'boolean') return value
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value
  throw new ConfigError('dialect.ssl', value, 'must be a boolean or a TLS options object')
}

function optionalDriver(config: Input): PgModule | undefined {
  const value = config.driver as { Client?: unknown } | undefined
  if (value === undefined) return undefined
  if ((typeof value === 'object' || typeof value === 'function') && value !== null && typeof value.Client === 'function') {
    return value as PgModule
  }
  throw new ConfigError('dialect.driver', value, "must be the 'pg' module (an object with a Client class)")
}

function optionalTypes(config: Input): PgTypeOverrides | undefined {
  const value = config.types as { getTypeParser?: unknown } | undefined
  if (value === undefined) return undefined
  if (typeof value === 'object' && value !== null && typeof value.getTypeParser === 'function') {
    return value as PgTypeOverrides
  }
  throw new ConfigError('dialect.types', value, 'must be a type parser object with a getTypeParser function')
}
