import type { PoolOptions } from '@sluice/core'

/** Every Sluice pool option except `dialect`, which the Kysely dialect builds from the connection options. */
export type SluicePoolSettings = Omit<PoolOptions, 'dialect'>

/**
 * The names of Sluice's pool options, to tell them from connection options
 * when both arrive in one `pool: {...}` object. Core does not export its list.
 */
export const POOL_OPTION_KEYS = [
  'name',
  'min',
  'max',
  'acquireTimeoutMillis',
  'createRetryInitialMillis',
  'createRetryMaxMillis',
  'healthThreshold',
  'healthCheckIntervalMillis',
  'healthCheckQuery',
  'healthCheckTimeoutMillis',
  'healthCheckSlowMillis',
  'maxLifetimeMillis',
  'maxIdleMillis',
  'leakDetectionThresholdMillis',
  'queryTimeoutMillis',
  'resetOnRelease',
  'preWarm',
  'workflowHistorySize',
  'housekeepingIntervalMillis',
  'closeTimeoutMillis',
  'replicas',
  'routing',
  'log',
  'clock',
] as const satisfies ReadonlyArray<keyof SluicePoolSettings>

// fails to compile when core gains a pool option that the list above lacks,
// which would otherwise be handed to the database dialect and rejected there
type Unlisted = Exclude<keyof SluicePoolSettings, (typeof POOL_OPTION_KEYS)[number]>
const _everyPoolOptionListed: [Unlisted] extends [never] ? true : Unlisted = true
