/**
 * `@sluice/redis`: state that many instances of an application share
 * through Redis. Today: the circuit breakers (`sharedBreaker`).
 */
export { sharedBreaker, DEFAULT_TIMEOUT_MILLIS, type SharedBreaker, type SharedBreakerOptions } from './shared-breaker.js'
export type { RedisClient, RedisSubscriber } from './redis-client.js'
