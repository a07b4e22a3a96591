import { ConfigError } from '../errors/config-error.js'
import type { LearningStore } from '../learning/learning-store.js'
import { LEARNING_DEFAULTS } from './defaults.js'
import { checkKnownKeys, millis } from './validators.js'

export const SIZING_MODES = ['fixed', 'adaptive'] as const
/** `fixed`: `min` kept open, more opened up to `max` on demand. `adaptive`: a learned target between them (docs/learning.md). */
export type SizingMode = (typeof SIZING_MODES)[number]

/** `createPool({ learning })`: `false` turns the workload forecast off; an object gives it a store. */
export interface LearningOptions {
  /** Keeps what was learned across restarts (`fileLearningStore(path)`, or Redis through `@sluice/redis`). Defaults to none. */
  readonly store?: LearningStore
  /** How often the store is written (and at close). Defaults to 300 000. */
  readonly saveIntervalMillis?: number
}

export interface ResolvedLearningConfig {
  readonly store: LearningStore | undefined
  readonly saveIntervalMillis: number
}

const KNOWN = new Set(['store', 'saveIntervalMillis'])

/** Undefined when learning is off. */
export function resolveLearningConfig(options: boolean | LearningOptions | undefined): ResolvedLearningConfig | undefined {
  if (options === false) return undefined
  if (options === undefined || options === true) return Object.freeze({ store: undefined, saveIntervalMillis: LEARNING_DEFAULTS.saveIntervalMillis })
  if (options === null || typeof options !== 'object') throw new ConfigError('learning', options, 'must be a boolean or { store, saveIntervalMillis }')
  checkKnownKeys('learning.', options, KNOWN)
  const store = options.store
  if (store !== undefined && (store === null || typeof store.load !== 'function' || typeof store.save !== 'function')) {
    throw new ConfigError('learning.store', store, 'must have load() and save() methods')
  }
  return Object.freeze({
    store,
    saveIntervalMillis: millis('learning.saveIntervalMillis', options.saveIntervalMillis ?? LEARNING_DEFAULTS.saveIntervalMillis, 1_000),
  })
}
