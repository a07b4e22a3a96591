/**
 * `@sluice/redis`: state that many instances of an application share
 * through Redis: the circuit breakers (`sharedBreaker`), and a store for
 * what a pool learned of its workload (`redisLearningStore`).
 */
export { sharedBreaker, DEFAULT_TIMEOUT_MILLIS, type SharedBreaker, type SharedBreakerOptions } from './shared-breaker.js'
export type { RedisClient, RedisSubscriber } from './redis-client.js'
export { redisLearningStore, type RedisLearningStoreOptions } from './redis-learning-store.js'
