import { ConfigError, type LearningStore } from '@sluice/core'
import type { RedisClient } from './redis-client.js'
import { withDeadline } from './with-deadline.js'

/** Options of {@link redisLearningStore}. */
export interface RedisLearningStoreOptions {
  /** The application's `ioredis` client (only `call()` is used). */
  readonly redis: Pick<RedisClient, 'call'>
  /** The Redis key the pool's learning is kept under: one per app instance (an instance saves its own view). */
  readonly key: string
  /** The limit of each Redis call; past it the load or save fails (the pool logs it and goes on). Defaults to 2 000. */
  readonly timeoutMillis?: number
}

/**
 * Keeps what a pool learned (its workload buckets, a few kilobytes of JSON)
 * in Redis, so that a restarted instance forecasts from it at once:
 *
 * ```ts
 * createPool({ dialect, learning: { store: redisLearningStore({ redis, key: `orders:learning:${hostname()}` }) } })
 * ```
 */
export function redisLearningStore(options: RedisLearningStoreOptions): LearningStore {
  if (options === null || typeof options !== 'object') throw new ConfigError('redisLearningStore', options, 'must be an object { redis, key }')
  const { redis, key, timeoutMillis = 2_000 } = options
  if (redis === null || typeof redis !== 'object' || typeof redis.call !== 'function') throw new ConfigError('redisLearningStore.redis', redis, 'must be an ioredis client')
  if (typeof key !== 'string' || key === '') throw new ConfigError('redisLearningStore.key', key, 'must be a non-empty string')
  if (typeof timeoutMillis !== 'number' || !Number.isInteger(timeoutMillis) || timeoutMillis < 1) throw new ConfigError('redisLearningStore.timeoutMillis', timeoutMillis, 'must be an integer >= 1')
  const call = (command: string, ...args: string[]): Promise<unknown> => withLimit(redis.call(command, ...args), timeoutMillis, `Redis ${command} ${key}`)
  return {
    async load() {
      const text = await call('GET', key)
      if (text === null || text === undefined) return undefined
      return JSON.parse(String(text)) as unknown
    },
    async save(snapshot) {
      await call('SET', key, JSON.stringify(snapshot))
    },
  }
}

const TIMED_OUT = Symbol('timed out')

/** `promise`, or a rejection after `millis` (the timer never keeps the process alive). */
async function withLimit<T>(promise: Promise<T>, millis: number, what: string): Promise<T> {
  const outcome = await withDeadline<T | typeof TIMED_OUT>(promise, millis, TIMED_OUT)
  if (outcome === TIMED_OUT) throw new Error(`${what} took over ${millis}ms`)
  return outcome
}
