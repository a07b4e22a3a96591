import { ConfigError } from '../errors/config-error.js'

/**
 * How a pipeline runs its statements:
 * - `sequential`: one connection at a time, in order; the first failure stops
 *   the batch, and the statements queued behind it are reported not run.
 * - `transactional`: each batch is one transaction, all or nothing; a failure
 *   also stops the statements queued behind it.
 * - `best-effort`: in order, on one connection at a time; a failure is that
 *   statement's alone and everything else still runs.
 * - `parallel`: reads only (writes are refused at `add()`), batches spread
 *   over several connections at once, so their order is not kept.
 */
export const PIPELINE_STRATEGIES = ['sequential', 'transactional', 'best-effort', 'parallel'] as const
export type PipelineStrategy = (typeof PIPELINE_STRATEGIES)[number]

/** What `add()` does when `maxQueueSize` statements are already waiting or running. */
export const PIPELINE_ON_FULL = ['wait', 'error'] as const
export type PipelineOnFull = (typeof PIPELINE_ON_FULL)[number]

/** Options of `pool.pipeline()`. */
export interface PipelineOptions {
  /** Statements sent together in one batch (one round trip where the database allows). Defaults to 100. */
  readonly batchSize?: number
  /** Longest a statement waits for its batch to fill before it is sent anyway. 0 sends on the next timer turn. Defaults to 5. */
  readonly flushIntervalMillis?: number
  /** Most statements queued or running at once; further `add()` calls wait for room, or fail (see `onFull`). At least `batchSize`. Defaults to 10 × `batchSize`. */
  readonly maxQueueSize?: number
  /** Defaults to `'sequential'`. */
  readonly strategy?: PipelineStrategy
  /** `'wait'` (default): `add()` waits for room, in order. `'error'`: it rejects with `PipelineFullError`. */
  readonly onFull?: PipelineOnFull
}

export interface ResolvedPipelineOptions {
  readonly batchSize: number
  readonly flushIntervalMillis: number
  readonly maxQueueSize: number
  readonly strategy: PipelineStrategy
  readonly onFull: PipelineOnFull
}

export const PIPELINE_DEFAULTS = {
  batchSize: 100,
  flushIntervalMillis: 5,
  /** Times `batchSize`. */
  queueBatches: 10,
  strategy: 'sequential',
  onFull: 'wait',
} as const

const KNOWN_KEYS = new Set(['batchSize', 'flushIntervalMillis', 'maxQueueSize', 'strategy', 'onFull'])

/** Validates and completes `pipeline()` options; throws `ConfigError` naming the field. */
export function resolvePipelineOptions(options: PipelineOptions = {}): ResolvedPipelineOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('pipeline', options, 'must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`pipeline.${key}`, (options as Record<string, unknown>)[key], 'unknown option')
  }
  const batchSize = integer('pipeline.batchSize', options.batchSize ?? PIPELINE_DEFAULTS.batchSize, 1)
  const flushIntervalMillis = options.flushIntervalMillis ?? PIPELINE_DEFAULTS.flushIntervalMillis
  if (typeof flushIntervalMillis !== 'number' || !Number.isFinite(flushIntervalMillis) || flushIntervalMillis < 0) {
    throw new ConfigError('pipeline.flushIntervalMillis', flushIntervalMillis, 'must be a finite number >= 0')
  }
  const maxQueueSize = integer('pipeline.maxQueueSize', options.maxQueueSize ?? batchSize * PIPELINE_DEFAULTS.queueBatches, 1)
  if (maxQueueSize < batchSize) throw new ConfigError('pipeline.maxQueueSize', maxQueueSize, `must be at least batchSize (${batchSize})`)
  const strategy = options.strategy ?? PIPELINE_DEFAULTS.strategy
  if (!PIPELINE_STRATEGIES.includes(strategy)) throw new ConfigError('pipeline.strategy', strategy, `must be one of ${PIPELINE_STRATEGIES.join(', ')}`)
  const onFull = options.onFull ?? PIPELINE_DEFAULTS.onFull
  if (!PIPELINE_ON_FULL.includes(onFull)) throw new ConfigError('pipeline.onFull', onFull, `must be one of ${PIPELINE_ON_FULL.join(', ')}`)
  return Object.freeze({ batchSize, flushIntervalMillis, maxQueueSize, strategy, onFull })
}

function integer(field: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) throw new ConfigError(field, value, `must be an integer >= ${minimum}`)
  return value
}
