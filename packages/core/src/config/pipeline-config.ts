import { ConfigError } from '../errors/config-error.js'
import { PIPELINE_DEFAULTS } from './defaults.js'
import { checkKnownKeys, count, duration, oneOf } from './validators.js'

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

const KNOWN_KEYS: ReadonlySet<string> = new Set(['batchSize', 'flushIntervalMillis', 'maxQueueSize', 'strategy', 'onFull'])

/** Validates and completes `pipeline()` options; throws `ConfigError` naming the field. */
export function resolvePipelineOptions(options: PipelineOptions = {}): ResolvedPipelineOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('pipeline', options, 'must be an object')
  checkKnownKeys('pipeline.', options, KNOWN_KEYS)
  const batchSize = count('pipeline.batchSize', options.batchSize ?? PIPELINE_DEFAULTS.batchSize, 1)
  const flushIntervalMillis = duration('pipeline.flushIntervalMillis', options.flushIntervalMillis ?? PIPELINE_DEFAULTS.flushIntervalMillis, 0)
  const maxQueueSize = count('pipeline.maxQueueSize', options.maxQueueSize ?? batchSize * PIPELINE_DEFAULTS.queueBatches, 1)
  if (maxQueueSize < batchSize) throw new ConfigError('pipeline.maxQueueSize', maxQueueSize, `must be at least batchSize (${batchSize})`)
  const strategy = oneOf('pipeline.strategy', options.strategy ?? PIPELINE_DEFAULTS.strategy, PIPELINE_STRATEGIES)
  const onFull = oneOf('pipeline.onFull', options.onFull ?? PIPELINE_DEFAULTS.onFull, PIPELINE_ON_FULL)
  return Object.freeze({ batchSize, flushIntervalMillis, maxQueueSize, strategy, onFull })
}

/** Options of `sluiceBatch()`. */
export interface SluiceBatchOptions {
  /** How the pipeline runs the statements (see docs/pipelining.md). Defaults to `'sequential'`, as `pool.pipeline()`. */
  readonly strategy?: PipelineStrategy
  /**
   * Statements per batch. Defaults to all of them in one batch, which is what
   * makes `'transactional'` all-or-nothing for the whole list (it is per batch).
   */
  readonly batchSize?: number
}

const BATCH_KEYS: ReadonlySet<string> = new Set(['strategy', 'batchSize'])

/** Validates `sluiceBatch()` options (the pipeline checks `batchSize` itself). */
export function checkBatchOptions(options: SluiceBatchOptions): SluiceBatchOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('sluiceBatch', options, 'options must be an object')
  for (const [key, value] of Object.entries(options)) {
    if (!BATCH_KEYS.has(key)) throw new ConfigError(`sluiceBatch.${key}`, value, 'unknown option (expected strategy, batchSize)')
  }
  if (options.strategy !== undefined) oneOf('sluiceBatch.strategy', options.strategy, PIPELINE_STRATEGIES)
  return options
}
