import type { PoolOptions } from '@sluice/core'

/** Every Sluice pool option except `dialect`, which the Kysely dialect builds from the connection options. */
export type SluicePoolSettings = Omit<PoolOptions, 'dialect'>

/**
 * The names of Sluice's pool options, to tell them from connection options
 * when both arrive in one `pool: {...}` object: core's own list, so a new
 * option reaches Kysely users without a change here.
 */
export { POOL_OPTION_KEYS } from '@sluice/core/adapter'
