/**
 * Every default of the pool in one place, with its unit. The configuration
 * reference in docs/configuration.md lists the same values.
 */
export const DEFAULTS = {
  name: 'sluice',
  min: 2,
  max: 10,
  /** 30 seconds, as HikariCP's connectionTimeout. */
  acquireTimeoutMillis: 30_000,
  /** First pause after a failed connect; doubles on each further failure. */
  createRetryInitialMillis: 100,
  /** Longest pause between connect attempts while the database is down. */
  createRetryMaxMillis: 5_000,
  healthThreshold: 50,
  /** 30 seconds between health checks of an idle connection. */
  healthCheckIntervalMillis: 30_000,
  healthCheckTimeoutMillis: 5_000,
  /** A health check slower than this lowers the score. */
  healthCheckSlowMillis: 1_000,
  /** 30 minutes, as HikariCP; a random 0 to 2.5% is taken off per connection. */
  maxLifetimeMillis: 1_800_000,
  /** 10 minutes idle beyond `min` closes a connection. */
  maxIdleMillis: 600_000,
  /** 0: leak detection is off. */
  leakDetectionThresholdMillis: 0,
  /** 0: statements have no client-side timeout. */
  queryTimeoutMillis: 0,
  resetOnRelease: 'rollback',
  preWarm: true,
  /** How many recent runs of each workflow type pre-warming learns from. */
  workflowHistorySize: 20,
  /** The housekeeper's tick: health checks, recycling, fill to `min`, leak checks. */
  housekeepingIntervalMillis: 1_000,
  /** How long `close()` waits for borrowed connections before closing them anyway. */
  closeTimeoutMillis: 30_000,
  /** Sizing stays as configured unless the user asks for `'adaptive'`. */
  sizing: 'fixed',
  /** Server connections adaptive sizing leaves to everyone else. */
  reservedConnections: 3,
  /** Without a `logger`, warnings and errors go to the console. */
  logLevels: ['warn', 'error'],
} as const

/** Share of `maxLifetimeMillis` taken off at random so connections don't expire together. */
export const LIFETIME_JITTER = 0.025
/** Percentile of recent workflow peaks that pre-warming opens for. */
export const PREWARM_PERCENTILE = 0.9
/** Samples kept for the p99 figures in `stats()`. */
export const LATENCY_WINDOW = 1024

/** Defaults of `createPool({ routing })`. */
export const ROUTING_DEFAULTS = {
  strategy: 'round-robin',
  /** A replica further behind leaves the rotation until it catches up. */
  maxReplicaLagMillis: 5_000,
  /** How often each replica's lag, replay position and health are measured. */
  replicaCheckIntervalMillis: 500,
  readYourWrites: 'position',
  /** How long after a write a scope's reads stay on the primary in `window` mode. */
  readYourWritesWindowMillis: 2_000,
  /** Functions (`name` or `schema.name`) the user vouches for: statements calling them may run on a replica. */
  safeFunctions: [] as readonly string[],
  /** Functions that always send a statement calling them to the primary, whatever the database says. */
  unsafeFunctions: [] as readonly string[],
  /** How long the database's word on a function (PostgreSQL's volatility) is trusted before it is asked again. */
  functionCacheMillis: 60_000,
} as const

/** The most functions whose verdict a pool's router remembers (the least recently judged go first). */
export const FUNCTION_CACHE_SIZE = 1_000

/** Defaults of `createPool({ breaker })`, the seed's circuit breaker in camelCase. */
export const BREAKER_DEFAULTS = {
  /** Consecutive transport failures that open the breaker. */
  failureThreshold: 5,
  /** How long an open breaker fails calls at once before it probes. */
  recoveryTimeoutMillis: 30_000,
  /** Share of failed calls in the window that opens the breaker... */
  errorRateThreshold: 0.5,
  /** ...once this many calls were seen in it. */
  minCalls: 10,
  /** The sliding window of the error rate (10 buckets). */
  windowMillis: 10_000,
  /** Calls let through at once while half-open; that many successes close it. */
  halfOpenMaxCalls: 3,
} as const

/**
 * After a permanent connect error (bad password, unknown database), how long
 * the pool waits before it tries again by itself (to refill `min`); a new
 * acquire still tries once at once.
 */
export const PERMANENT_ERROR_RETRY_MILLIS = 60_000
/** After a statement timeout, how long the cancel request and the end of the statement may take before the connection is closed instead. */
export const CANCEL_TIMEOUT_MILLIS = 5_000

/** Defaults of implicit pipelining (on unless `implicitPipelining: false`, for dialects that can pipeline). */
export const IMPLICIT_PIPELINING_DEFAULTS = {
  /** Most statements in flight on one connection at once. */
  maxDepth: 16,
  /** How long one connection takes pipelined statements before it drains and goes back. */
  maxHoldMillis: 1_000,
} as const

/** Defaults of `pool.pipeline()`. */
export const PIPELINE_DEFAULTS = {
  batchSize: 100,
  flushIntervalMillis: 5,
  /** Times `batchSize`. */
  queueBatches: 10,
  strategy: 'sequential',
  onFull: 'wait',
} as const

/** Rows per chunk of `connection.stream()` when the caller sets none. */
export const STREAM_CHUNK_SIZE = 100
/** Rows `query(..., { fetch: 'many' })` returns when the caller sets no `size`. */
export const FETCH_MANY_SIZE = 100

/** Defaults of `createPool({ patterns })`. */
export const PATTERNS_DEFAULTS = Object.freeze({
  /** Fingerprints the pattern tracker keeps (the most frequent). */
  capacity: 1_000,
  /** Tables with a `table` label of their own in the query metrics (the first seen); the rest are `other`. */
  tableLabels: 20,
})

/**
 * Statement texts whose shape (fingerprint, operation, tables) is kept so
 * that a repeated statement is not tokenized again; the oldest go first.
 */
export const STATEMENT_SHAPE_CACHE_SIZE = 2_000
/** A statement text longer than this is described every time rather than kept as a cache key. */
export const STATEMENT_SHAPE_MAX_CACHED_LENGTH = 8_192

/** Tuning of `sizing: 'adaptive'` (docs/learning.md). */
export const ADAPTIVE_SIZING = {
  /** Headroom over the recent mean demand, in its square roots (1: about the 84th percentile of demand). */
  z: 1,
  /** A shrink is considered only when demand plus headroom is 20% (and at least 2 connections) below the target... */
  shrinkBand: 0.2,
  /** ...and has stayed there this long. */
  shrinkAfterMillis: 5_000,
  /** The least time between a change and the next shrink. */
  cooldownMillis: 15_000,
  /** The least time between two growths (waiters never wait for one: the pool opens for them up to the ceiling at once). */
  growCooldownMillis: 10_000,
  /** The target stays at or above the highest demand of this window (bursts seconds apart keep it up rather than make it flap). */
  peakWindowMillis: 20_000,
  /** An idle connection beyond the target is retired after this long idle. */
  idleMillis: 10_000,
  /** How often the server's room is read. */
  serverRoomIntervalMillis: 30_000,
  /** How long before a forecast rise the pool opens for it. */
  preWarmLeadMillis: 120_000,
} as const

/** Defaults of `createPool({ learning })`. */
export const LEARNING_DEFAULTS = {
  /** How often what was learned is written to the store (and at close). */
  saveIntervalMillis: 300_000,
  /** The forecast's headroom z-score: the 95th percentile of demand. */
  forecastZ: 1.645,
} as const
