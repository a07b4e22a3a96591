import { ConfigError, type PoolOptions } from '@sluice/core'
import type { Knex } from 'knex'

/**
 * Knex's `afterCreate`: called with the driver's new connection (a
 * `pg.Client`, a mysql2 `Connection`, a better-sqlite3 `Database`) and a
 * callback. A returned promise counts as calling `done` when it settles.
 */
export type AfterCreate = (connection: any, done: (error?: unknown, connection?: unknown) => void) => unknown

/**
 * The `pool` option of a Knex instance on Sluice: the tarn names Knex users
 * know, where they mean the same thing, and every Sluice pool option by its
 * own name.
 *
 * ```ts
 * knex({ client: SluicePg, connection, pool: sluicePoolConfig({ min: 2, max: 10, healthCheckIntervalMillis: 10_000 }) })
 * ```
 */
export interface SluiceKnexPoolConfig extends Omit<PoolOptions, 'dialect'> {
  /** Runs once per new connection, before it is first lent. */
  afterCreate?: AfterCreate
  /** tarn's name for `maxIdleMillis`. */
  idleTimeoutMillis?: number
  /** tarn's name for `createRetryInitialMillis`. */
  createRetryIntervalMillis?: number
  /** tarn's name for `housekeepingIntervalMillis`. */
  reapIntervalMillis?: number
  /** Knex's name for `maxLifetimeMillis`. */
  maxConnectionLifetimeMillis?: number
  /** How long opening one connection may take: the dialect's `connectTimeoutMillis`. Ignored by SQLite. */
  createTimeoutMillis?: number
  /**
   * Knex's statements outside transactions borrow statement-level connections
   * (`acquire({ target: 'statement' })`): with `implicitPipelining` their
   * reads are pipelined under load. Off by default (see docs/adapters/knex.md).
   */
  statementLevel?: boolean
}

/**
 * Types a Sluice pool config as Knex's `PoolConfig`, so that TypeScript
 * accepts the Sluice-only options in `knex({ pool })`. Returns its argument.
 */
export function sluicePoolConfig(config: SluiceKnexPoolConfig): Knex.PoolConfig {
  return config as unknown as Knex.PoolConfig
}

/** Every Sluice pool option the `pool` object may carry by its own name. */
const SLUICE_NAMES = [
  'name', 'min', 'max', 'acquireTimeoutMillis', 'createRetryInitialMillis', 'createRetryMaxMillis', 'healthThreshold',
  'healthCheckIntervalMillis', 'healthCheckQuery', 'healthCheckTimeoutMillis', 'healthCheckSlowMillis', 'maxLifetimeMillis',
  'maxIdleMillis', 'leakDetectionThresholdMillis', 'queryTimeoutMillis', 'resetOnRelease', 'preWarm', 'workflowHistorySize',
  'housekeepingIntervalMillis', 'closeTimeoutMillis', 'replicas', 'routing', 'implicitPipelining', 'breaker', 'allowExitOnIdle',
  'sizing', 'reservedConnections', 'learning', 'logger', 'patterns', 'log', 'clock',
] as const satisfies ReadonlyArray<keyof PoolOptions>
// fails to compile, naming the option, when the core gains one the list does not carry yet
type MissingSluiceOption = Exclude<keyof PoolOptions, 'dialect' | 'onConnect' | (typeof SLUICE_NAMES)[number]>
const _everySluiceOption: [MissingSluiceOption] extends [never] ? true : MissingSluiceOption = true

/** tarn/Knex names and the Sluice option each one sets. */
const KNEX_NAMES: Readonly<Record<string, (typeof SLUICE_NAMES)[number]>> = {
  idleTimeoutMillis: 'maxIdleMillis',
  createRetryIntervalMillis: 'createRetryInitialMillis',
  reapIntervalMillis: 'housekeepingIntervalMillis',
  maxConnectionLifetimeMillis: 'maxLifetimeMillis',
}

/**
 * tarn/Knex options that have no meaning on Sluice: accepted, as stock Knex
 * accepts them, and ignored with a debug line that says why.
 */
const IGNORED: Readonly<Record<string, string>> = {
  destroyTimeoutMillis: 'each Sluice dialect bounds how long closing a connection may take',
  propagateCreateError: 'Sluice retries a failing connect with back-off; an acquire that times out carries the last connect error as its cause',
  maxConnectionLifetimeJitterMillis: 'Sluice takes a random 0-2.5% off maxLifetimeMillis (maxConnectionLifetimeMillis) per connection by itself',
}

/** tarn/Knex options with no Sluice counterpart, and what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  dialect: 'the Knex client builds the Sluice dialect from `connection`',
}

/** Knex's default acquire timeout (`acquireConnectionTimeout`), kept so that swapping the client changes no timing. */
export const KNEX_ACQUIRE_TIMEOUT_MILLIS = 60_000

/** A Knex pool config, split into what goes to `createPool()` and what the adapter itself handles. */
export interface ResolvedKnexPool {
  /** For `createPool()`, except `onConnect`, which the adapter composes. */
  readonly options: Omit<PoolOptions, 'dialect' | 'onConnect'>
  readonly afterCreate: AfterCreate | undefined
  /** Sluice's own `onConnect`, run after `afterCreate`. */
  readonly onConnect: PoolOptions['onConnect']
  readonly createTimeoutMillis: number | undefined
  /** Options stock Knex accepts that mean nothing on Sluice, each with the reason, for a debug line. */
  readonly ignored: readonly string[]
}

/**
 * Maps Knex's `pool` (and top-level `acquireConnectionTimeout`) to Sluice
 * pool options, rejecting unknown keys by name. `defaults` are the Knex
 * client's own `poolDefaults()` (2..10, SQLite 1..1), so that a config
 * without `min`/`max` sizes the pool as stock Knex would. Values are
 * validated by the core when the pool is created.
 */
export function resolveKnexPool(pool: unknown, acquireConnectionTimeout: unknown, defaults: { min: number; max: number }): ResolvedKnexPool {
  if (pool !== undefined && (pool === null || typeof pool !== 'object' || Array.isArray(pool))) {
    throw new ConfigError('pool', pool, 'must be an object of pool options')
  }
  const options: Record<string, unknown> = {}
  const setBy: Record<string, string> = {}
  let afterCreate: AfterCreate | undefined
  let onConnect: PoolOptions['onConnect']
  let createTimeoutMillis: number | undefined
  const ignored: string[] = []
  for (const [key, value] of Object.entries(pool ?? {})) {
    if (value === undefined) continue
    const ignoredBecause = IGNORED[key]
    if (ignoredBecause !== undefined) ignored.push(`pool.${key} is ignored: ${ignoredBecause}`)
    // checked here, run by the client on every borrow (validated-lease.ts)
    else if (key === 'validate') checkFunction('pool.validate', value, '(connection) => boolean | Promise<boolean>')
    else if (key === 'afterCreate') afterCreate = checkFunction('pool.afterCreate', value, '(connection, done) => void')
    else if (key === 'onConnect') onConnect = checkFunction('pool.onConnect', value, '(connection) => void | Promise<void>')
    else if (key === 'createTimeoutMillis') createTimeoutMillis = positiveInteger('pool.createTimeoutMillis', value)
    // read by the client for each query (statementLevelOf)
    else if (key === 'statementLevel' && typeof value !== 'boolean') throw new ConfigError('pool.statementLevel', value, 'must be a boolean')
    else if (key === 'statementLevel') continue
    else {
      const name = sluiceName(key, value)
      if (setBy[name] !== undefined) throw new ConfigError(`pool.${key}`, value, `sets the same option as pool.${setBy[name]}; give only one of them`)
      setBy[name] = key
      options[name] = value
    }
  }
  options.acquireTimeoutMillis = acquireTimeout(options.acquireTimeoutMillis, acquireConnectionTimeout)
  // a max below Knex's default min means "at most that many", not a config error
  options.min ??= typeof options.max === 'number' ? Math.min(defaults.min, options.max) : defaults.min
  options.max ??= Math.max(defaults.max, typeof options.min === 'number' ? options.min : 0)
  return { options: options as ResolvedKnexPool['options'], afterCreate, onConnect, createTimeoutMillis, ignored }
}

function sluiceName(key: string, value: unknown): string {
  const unsupported = UNSUPPORTED[key]
  if (unsupported !== undefined) throw new ConfigError(`pool.${key}`, value, `is not supported on Sluice: ${unsupported}`)
  const knexName = KNEX_NAMES[key]
  if (knexName !== undefined) return knexName
  if ((SLUICE_NAMES as readonly string[]).includes(key)) return key
  const shown = typeof value === 'string' ? '<not shown>' : value
  throw new ConfigError(
    `pool.${key}`,
    shown,
    `unknown option; Knex names: afterCreate, validate, createTimeoutMillis, statementLevel, ${[...Object.keys(KNEX_NAMES), ...Object.keys(IGNORED)].join(', ')}; Sluice names: onConnect, ${SLUICE_NAMES.join(', ')}`,
  )
}

/** Knex takes the smaller of `acquireConnectionTimeout` and `pool.acquireTimeoutMillis`. */
function acquireTimeout(fromPool: unknown, fromKnex: unknown): unknown {
  if (fromKnex === undefined) return fromPool ?? KNEX_ACQUIRE_TIMEOUT_MILLIS
  const knexTimeout = positiveInteger('acquireConnectionTimeout', fromKnex)
  return typeof fromPool === 'number' ? Math.min(fromPool, knexTimeout) : (fromPool ?? knexTimeout)
}

function checkFunction<F>(field: string, value: unknown, signature: string): F {
  if (typeof value !== 'function') throw new ConfigError(field, value, `must be a function ${signature}`)
  return value as F
}

function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ConfigError(field, value, 'must be an integer >= 1')
  return value
}

/** Whether a Knex `pool` config asks for statement-level connections (resolveKnexPool has checked it). */
export function statementLevelOf(pool: unknown): boolean {
  return (pool as { statementLevel?: unknown } | undefined)?.statementLevel === true
}
