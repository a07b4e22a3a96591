import type { Dialect, QueryResult } from '../dialect.js'
import { ConfigError } from '../errors/config-error.js'
import { systemClock, type Clock } from '../util/clock.js'
import { LOG_LEVELS, type LogConfig, type LogLevel } from '../util/logger.js'
import { resolveBreakerConfig, type BreakerOptions, type ResolvedBreakerConfig } from './breaker-config.js'
import { DEFAULTS } from './defaults.js'
import { resolveLearningConfig, SIZING_MODES, type LearningOptions, type ResolvedLearningConfig, type SizingMode } from './learning-config.js'
import { resolveImplicitPipelining, type ImplicitPipeliningOption, type ResolvedImplicitPipelining } from './implicit-pipelining-config.js'
import { resolvePatternsConfig, type PatternsOptions, type ResolvedPatternsConfig } from './patterns-config.js'
import { resolveRoutingConfig, type ResolvedRoutingConfig, type RoutingOptions } from './routing-config.js'
import { checkKnownKeys, finiteNumber, integer, millis, oneOf } from './validators.js'

/** A connection just opened, as `onConnect` sees it. */
export interface NewConnection {
  /** The driver's own connection object (a `pg.Client`, a mysql2 `Connection`, a better-sqlite3 `Database`). */
  readonly driverConnection: unknown
  /** Runs one statement on it, through the dialect. */
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult>
}

export const RESET_MODES = ['rollback', 'full'] as const
/** What happens to a returned connection: `rollback` an open transaction, or a `full` session reset. */
export type ResetMode = (typeof RESET_MODES)[number]

/** Options of `createPool()`. Every duration is in milliseconds; 0 disables a timer where noted. */
export interface PoolOptions {
  /** The database to pool: `postgres({...})`, `mysql({...})` or `sqlite({...})`. */
  dialect: Dialect<any>
  /** Prefix of log lines, errors and metric labels. Defaults to `'sluice'`. */
  name?: string
  /** Connections kept open even when idle, opened by `ready()`. Defaults to 2, or `max` when that is smaller. */
  min?: number
  /** Most connections the pool opens at once. Defaults to 10. */
  max?: number
  /** How long `acquire()` waits before it rejects with `PoolTimeoutError`. Defaults to 30 000. */
  acquireTimeoutMillis?: number
  /** First pause after a failed connect, doubled per further failure. Defaults to 100. */
  createRetryInitialMillis?: number
  /** Longest pause between connect attempts. Defaults to 5 000. */
  createRetryMaxMillis?: number
  /** A connection whose health score (0-100) falls below this is recycled. Defaults to 50. */
  healthThreshold?: number
  /** How often an idle connection is checked; 0 disables checks. Defaults to 30 000. */
  healthCheckIntervalMillis?: number
  /** The statement a health check runs. Defaults to the dialect's (`SELECT 1`). */
  healthCheckQuery?: string
  /** A health check that takes longer fails. Defaults to 5 000. */
  healthCheckTimeoutMillis?: number
  /** A health check that takes longer lowers the score. Defaults to 1 000. */
  healthCheckSlowMillis?: number
  /** Age at which a connection is retired (minus up to 2.5% jitter); 0 disables. Defaults to 1 800 000. */
  maxLifetimeMillis?: number
  /** Idle time after which a connection beyond `min` is closed; 0 disables. Defaults to 600 000. */
  maxIdleMillis?: number
  /** Warn with the acquiring stack when a connection is held longer; 0 disables. Defaults to 0. */
  leakDetectionThresholdMillis?: number
  /** Client-side limit on each statement; 0 disables. Defaults to 0. */
  queryTimeoutMillis?: number
  /** `rollback` (default) or `full` (also clear session state) when a connection comes back. */
  resetOnRelease?: ResetMode
  /** Open, at workflow start, what that workflow type needed in recent runs. Defaults to true. */
  preWarm?: boolean
  /** Recent runs per workflow type that pre-warming learns from. Defaults to 20. */
  workflowHistorySize?: number
  /** Period of the housekeeping tick. Defaults to 1 000. */
  housekeepingIntervalMillis?: number
  /** How long `close()` waits for borrowed connections. Defaults to 30 000. */
  closeTimeoutMillis?: number
  /**
   * Read replicas of the primary, each with its own connections, health and
   * stats (same sizes and timers as the primary). `pool.query()` sends reads
   * to them. Defaults to none.
   */
  replicas?: ReadonlyArray<Dialect<any>>
  /** How reads are routed to `replicas`. */
  routing?: RoutingOptions
  /**
   * When callers outnumber connections, send autocommit `pool.query()` /
   * `pool.execute()` statements on connections already busy with such
   * statements, pipelined, instead of waiting for a free one. `true` for the
   * defaults, or `{ maxDepth, maxHoldMillis }`; `false` turns it off.
   * Defaults to on for dialects that can pipeline (PostgreSQL), off for the
   * others (set explicitly, they ignore it with a warning).
   */
  implicitPipelining?: ImplicitPipeliningOption
  /**
   * Runs on every new connection before it is first lent (and again after a
   * `full` reset, which clears what it set up): session settings, type
   * registrations, an ORM's `afterCreate`. If it throws, the connection is
   * closed and counted as a failed connect. Defaults to none.
   */
  onConnect?: (connection: NewConnection) => void | Promise<void>
  /**
   * The circuit breaker of each node (the primary, each replica): `false`
   * turns it off, an object tunes it (see docs/resilience.md). Defaults to on,
   * with `BREAKER_DEFAULTS`.
   */
  breaker?: false | BreakerOptions
  /**
   * Let the process exit while the pool only holds idle connections (pg-pool's
   * option): idle sockets and the engine's background timers keep nothing
   * alive; a lent connection, a waiting acquire and a running statement still
   * do. Defaults to false: an open pool keeps the process alive until `close()`.
   */
  allowExitOnIdle?: boolean
  /**
   * `'adaptive'`: the pool keeps a learned target of connections open between
   * `min` and `max` (growing at once when callers wait, shrinking slowly,
   * opening ahead of a forecast peak), never beyond the server's room minus
   * `reservedConnections` (docs/learning.md). Defaults to `'fixed'`.
   */
  sizing?: SizingMode
  /** With adaptive sizing: server connections left to everyone else. Defaults to 3. */
  reservedConnections?: number
  /**
   * The workload forecast (`pool.forecast()`): on by default; `false` turns it
   * off, `{ store }` keeps what it learned across restarts.
   */
  learning?: boolean | LearningOptions
  /**
   * Where the pool logs: a logger object (pino, bunyan: `info(details,
   * message)`; `console`: `info(message, details)`), a function `(level,
   * message, details)`, a list of levels printed to the console, or `false`.
   * Details name the connection, the node, durations and error codes, never
   * a secret or a bound value. `DEBUG=sluice*` adds debug lines on stderr.
   * Defaults to `['warn', 'error']` on the console.
   */
  logger?: LogConfig
  /**
   * The pattern tracker and the query metrics: how many statement
   * fingerprints `pool.patterns.frequent()` keeps, how many tables get a
   * label of their own. Defaults to `PATTERNS_DEFAULTS`.
   */
  patterns?: PatternsOptions
  /** @deprecated the old name of `logger`, still accepted. */
  log?: LogConfig
  /** @internal time source, for tests. */
  clock?: Clock
}

/** The validated, frozen configuration the engine runs on. */
export interface ResolvedPoolConfig {
  readonly dialect: Dialect<any>
  readonly name: string
  readonly min: number
  readonly max: number
  readonly acquireTimeoutMillis: number
  readonly createRetryInitialMillis: number
  readonly createRetryMaxMillis: number
  readonly healthThreshold: number
  readonly healthCheckIntervalMillis: number
  readonly healthCheckQuery: string
  readonly healthCheckTimeoutMillis: number
  readonly healthCheckSlowMillis: number
  readonly maxLifetimeMillis: number
  readonly maxIdleMillis: number
  readonly leakDetectionThresholdMillis: number
  readonly queryTimeoutMillis: number
  readonly resetOnRelease: ResetMode
  readonly preWarm: boolean
  readonly workflowHistorySize: number
  readonly housekeepingIntervalMillis: number
  readonly closeTimeoutMillis: number
  readonly replicas: ReadonlyArray<Dialect<any>>
  readonly routing: ResolvedRoutingConfig
  readonly implicitPipelining: ResolvedImplicitPipelining | undefined
  readonly onConnect: ((connection: NewConnection) => void | Promise<void>) | undefined
  /** Undefined when the breaker is off. */
  readonly breaker: ResolvedBreakerConfig | undefined
  readonly allowExitOnIdle: boolean
  readonly sizing: SizingMode
  readonly reservedConnections: number
  /** Undefined when learning is off. */
  readonly learning: ResolvedLearningConfig | undefined
  readonly logger: LogConfig
  readonly patterns: ResolvedPatternsConfig
  readonly clock: Clock
}

/** Every option `createPool()` accepts, for adapters that split a mixed options object. */
export const POOL_OPTION_KEYS = Object.freeze([
  'dialect', 'name', 'min', 'max', 'acquireTimeoutMillis', 'createRetryInitialMillis', 'createRetryMaxMillis',
  'healthThreshold', 'healthCheckIntervalMillis', 'healthCheckQuery', 'healthCheckTimeoutMillis',
  'healthCheckSlowMillis', 'maxLifetimeMillis', 'maxIdleMillis', 'leakDetectionThresholdMillis',
  'queryTimeoutMillis', 'resetOnRelease', 'preWarm', 'workflowHistorySize', 'housekeepingIntervalMillis',
  'closeTimeoutMillis', 'replicas', 'routing', 'implicitPipelining', 'onConnect', 'breaker', 'allowExitOnIdle', 'sizing',
  'reservedConnections', 'learning', 'logger', 'patterns', 'log', 'clock',
] as const)
const KNOWN_KEYS = new Set<string>(POOL_OPTION_KEYS)

const REQUIRED_DIALECT_METHODS = ['connect', 'run', 'ping', 'reset', 'close', 'isFatal', 'watch'] as const

/**
 * Validates pool options once, at the edge, and returns them frozen with
 * defaults filled in. Throws `ConfigError` naming the option on an impossible
 * value; warns (through `warn`) and clamps an unwise one.
 */
export function resolvePoolConfig(options: PoolOptions, warn: (message: string) => void = () => {}): ResolvedPoolConfig {
  if (options === null || typeof options !== 'object') throw new ConfigError('options', options, 'must be an object')
  checkKnownKeys('', options, KNOWN_KEYS)
  const dialect = checkDialect(options.dialect)
  const name = options.name ?? DEFAULTS.name
  if (typeof name !== 'string' || name.length === 0) throw new ConfigError('name', name, 'must be a non-empty string')

  let max = integer('max', options.max ?? DEFAULTS.max, 1)
  // the default follows a smaller max (`max: 1` alone is valid); a min given explicitly must fit
  const min = options.min === undefined ? Math.min(DEFAULTS.min, max) : integer('min', options.min, 0)
  if (min > max) throw new ConfigError('min', min, `must not exceed max (${max})`)
  let clampedMin = min
  if (dialect.maxConnections !== undefined && max > dialect.maxConnections) {
    warn(`max ${max} exceeds what ${dialect.description} supports; using ${dialect.maxConnections}`)
    max = dialect.maxConnections
    clampedMin = Math.min(min, max)
  }

  const healthThreshold = finiteNumber('healthThreshold', options.healthThreshold ?? DEFAULTS.healthThreshold, 0)
  if (healthThreshold > 100) throw new ConfigError('healthThreshold', healthThreshold, 'must be between 0 and 100')
  const healthCheckQuery = options.healthCheckQuery ?? dialect.defaultHealthCheckQuery
  if (typeof healthCheckQuery !== 'string' || healthCheckQuery.trim() === '') {
    throw new ConfigError('healthCheckQuery', healthCheckQuery, 'must be a non-empty SQL string')
  }
  const resetOnRelease = oneOf('resetOnRelease', options.resetOnRelease ?? DEFAULTS.resetOnRelease, RESET_MODES)
  const preWarm = options.preWarm ?? DEFAULTS.preWarm
  if (typeof preWarm !== 'boolean') throw new ConfigError('preWarm', preWarm, 'must be a boolean')
  const allowExitOnIdle = options.allowExitOnIdle ?? false
  if (typeof allowExitOnIdle !== 'boolean') throw new ConfigError('allowExitOnIdle', allowExitOnIdle, 'must be a boolean')

  const createRetryInitialMillis = millis('createRetryInitialMillis', options.createRetryInitialMillis ?? DEFAULTS.createRetryInitialMillis, 1)
  const createRetryMaxMillis = millis('createRetryMaxMillis', options.createRetryMaxMillis ?? DEFAULTS.createRetryMaxMillis, 1)
  if (createRetryMaxMillis < createRetryInitialMillis) {
    throw new ConfigError('createRetryMaxMillis', createRetryMaxMillis, `must be at least createRetryInitialMillis (${createRetryInitialMillis})`)
  }

  const sizing = oneOf('sizing', options.sizing ?? DEFAULTS.sizing, SIZING_MODES)
  const learning = resolveLearningConfig(options.learning)
  if (sizing === 'adaptive' && learning === undefined) throw new ConfigError('learning', false, "must not be false with sizing 'adaptive': adaptive sizing learns")

  // an in-memory database dies with its connection: recycling it by age or idleness would lose the data
  const keepConnection = dialect.dataLivesInConnection === true
  if (keepConnection && ((options.maxLifetimeMillis ?? 0) > 0 || (options.maxIdleMillis ?? 0) > 0)) {
    warn(`${dialect.description} keeps its data in the connection: maxLifetimeMillis and maxIdleMillis are ignored`)
  }
  return Object.freeze({
    dialect,
    name,
    min: clampedMin,
    max,
    acquireTimeoutMillis: millis('acquireTimeoutMillis', options.acquireTimeoutMillis ?? DEFAULTS.acquireTimeoutMillis, 1),
    createRetryInitialMillis,
    createRetryMaxMillis,
    healthThreshold,
    healthCheckIntervalMillis: millis('healthCheckIntervalMillis', options.healthCheckIntervalMillis ?? DEFAULTS.healthCheckIntervalMillis, 0),
    healthCheckQuery,
    healthCheckTimeoutMillis: millis('healthCheckTimeoutMillis', options.healthCheckTimeoutMillis ?? DEFAULTS.healthCheckTimeoutMillis, 1),
    healthCheckSlowMillis: millis('healthCheckSlowMillis', options.healthCheckSlowMillis ?? DEFAULTS.healthCheckSlowMillis, 1),
    maxLifetimeMillis: keepConnection ? 0 : millis('maxLifetimeMillis', options.maxLifetimeMillis ?? DEFAULTS.maxLifetimeMillis, 0),
    maxIdleMillis: keepConnection ? 0 : millis('maxIdleMillis', options.maxIdleMillis ?? DEFAULTS.maxIdleMillis, 0),
    leakDetectionThresholdMillis: millis('leakDetectionThresholdMillis', options.leakDetectionThresholdMillis ?? DEFAULTS.leakDetectionThresholdMillis, 0),
    queryTimeoutMillis: millis('queryTimeoutMillis', options.queryTimeoutMillis ?? DEFAULTS.queryTimeoutMillis, 0),
    resetOnRelease,
    preWarm,
    workflowHistorySize: integer('workflowHistorySize', options.workflowHistorySize ?? DEFAULTS.workflowHistorySize, 1),
    housekeepingIntervalMillis: millis('housekeepingIntervalMillis', options.housekeepingIntervalMillis ?? DEFAULTS.housekeepingIntervalMillis, 1),
    closeTimeoutMillis: millis('closeTimeoutMillis', options.closeTimeoutMillis ?? DEFAULTS.closeTimeoutMillis, 0),
    replicas: checkReplicas(options.replicas, dialect),
    routing: resolveRoutingConfig(options.routing),
    implicitPipelining: resolveImplicitPipelining(options.implicitPipelining),
    onConnect: checkOnConnect(options.onConnect),
    breaker: resolveBreakerConfig(options.breaker),
    allowExitOnIdle,
    sizing,
    reservedConnections: integer('reservedConnections', options.reservedConnections ?? DEFAULTS.reservedConnections, 0),
    learning,
    logger: checkLogger(options),
    patterns: resolvePatternsConfig(options.patterns),
    clock: options.clock ?? systemClock,
  })
}

function checkDialect(dialect: unknown, field = 'dialect'): Dialect<any> {
  if (dialect === null || typeof dialect !== 'object') {
    throw new ConfigError(field, dialect, 'is required: pass postgres({...}), mysql({...}) or sqlite({...})')
  }
  for (const method of REQUIRED_DIALECT_METHODS) {
    if (typeof (dialect as Record<string, unknown>)[method] !== 'function') {
      throw new ConfigError(field, dialect, `is not a Sluice dialect: it has no ${method}() method`)
    }
  }
  return dialect as Dialect<any>
}

function checkReplicas(replicas: unknown, primary: Dialect<any>): ReadonlyArray<Dialect<any>> {
  if (replicas === undefined) return Object.freeze([])
  if (!Array.isArray(replicas)) throw new ConfigError('replicas', replicas, 'must be an array of dialects')
  return Object.freeze(
    replicas.map((replica: unknown, i) => {
      const dialect = checkDialect(replica, `replicas[${i}]`)
      if (dialect.kind !== primary.kind) throw new ConfigError(`replicas[${i}]`, dialect.kind, `must be a ${primary.kind} dialect like the primary`)
      return dialect
    }),
  )
}

function checkOnConnect(onConnect: unknown): PoolOptions['onConnect'] {
  if (onConnect !== undefined && typeof onConnect !== 'function') throw new ConfigError('onConnect', onConnect, 'must be a function')
  return onConnect as PoolOptions['onConnect']
}

function checkLogger(options: PoolOptions): LogConfig {
  if (options.logger !== undefined && options.log !== undefined) {
    throw new ConfigError('log', options.log, 'is the old name of logger: pass only logger')
  }
  const field = options.logger === undefined && options.log !== undefined ? 'log' : 'logger'
  const logger: unknown = options.logger ?? options.log ?? DEFAULTS.logLevels
  if (logger === false || typeof logger === 'function') return logger as LogConfig
  if (Array.isArray(logger)) {
    if (logger.some((level) => !LOG_LEVELS.includes(level))) throw new ConfigError(field, logger, `must be a logger, a function, false, or a list of ${LOG_LEVELS.join(', ')}`)
    return Object.freeze([...(logger as LogLevel[])])
  }
  if (logger === null || typeof logger !== 'object') throw new ConfigError(field, logger, `must be a logger, a function, false, or a list of ${LOG_LEVELS.join(', ')}`)
  for (const level of LOG_LEVELS) {
    if (typeof (logger as Record<string, unknown>)[level] !== 'function') throw new ConfigError(`${field}.${level}`, (logger as Record<string, unknown>)[level], 'must be a function (a logger has debug, info, warn and error)')
  }
  return logger as LogConfig
}
