import { randomUUID } from 'node:crypto'
import { ConfigError, type BreakerPeer, type BreakerSharing, type SharedBreakerNode } from '@sluice/core'
import { decodeMessage, encodeMessage, type BreakerMessage } from './breaker-message.js'
import type { RedisClient, RedisSubscriber } from './redis-client.js'
import { withDeadline } from './with-deadline.js'

/** Options of {@link sharedBreaker}. */
export interface SharedBreakerOptions {
  /** The application's `ioredis` client; a duplicate of it listens to the channel. */
  readonly redis: RedisClient
  /**
   * Names the shared state: instances whose pools pass the same key share
   * the breaker of each node of the same name (the pool's `name`, and
   * `name/replica-N`). The channel is `<key>:breaker`, the probe locks
   * `<key>:probe:<node>`.
   */
  readonly key: string
  /** The limit of every Redis call; past it (or on any Redis error) each instance decides with its local breaker. Defaults to 500. */
  readonly timeoutMillis?: number
  /** Told of Redis errors and timeouts (never thrown). Defaults to none. */
  readonly onError?: (error: Error) => void
}

/** A breaker sharing through Redis; `close()` stops listening (the pools go on with their local breakers). */
export interface SharedBreaker extends BreakerSharing {
  close(): void
}

export const DEFAULT_TIMEOUT_MILLIS = 500

/** Deletes the probe lock only when this instance still holds it. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/**
 * Shares the circuit breakers of many application instances through Redis:
 * pass it as `createPool({ breaker: { shared: sharedBreaker({ redis, key }) } })`.
 *
 * ```ts
 * import Redis from 'ioredis'
 * const redis = new Redis(process.env.REDIS_URL)
 * const pool = createPool({ dialect, name: 'orders', breaker: { shared: sharedBreaker({ redis, key: 'shop' }) } })
 * ```
 *
 * When one instance's breaker opens, it publishes the fact with its retry
 * time and every other instance's breaker of that node opens too (pub/sub:
 * within a round trip). When the retry time comes, one instance takes the
 * probe lock (`SET NX PX`) and probes; the others wait for its verdict
 * (its ping answered: trial calls everywhere; or open again with a new
 * retry time). Redis being slow or down
 * never holds up a call: each Redis call has `timeoutMillis`, and a failure
 * means "decide locally".
 */
export function sharedBreaker(options: SharedBreakerOptions): SharedBreaker {
  if (options === null || typeof options !== 'object') throw new ConfigError('sharedBreaker', options, 'must be an object { redis, key }')
  const { redis, key, timeoutMillis = DEFAULT_TIMEOUT_MILLIS, onError } = options
  if (typeof (redis as { call?: unknown } | null)?.call !== 'function' || typeof (redis as { duplicate?: unknown }).duplicate !== 'function') {
    throw new ConfigError('sharedBreaker.redis', redis, 'must be an ioredis client')
  }
  if (typeof key !== 'string' || key === '') throw new ConfigError('sharedBreaker.key', key, 'must be a non-empty string')
  if (typeof timeoutMillis !== 'number' || !Number.isInteger(timeoutMillis) || timeoutMillis < 1) throw new ConfigError('sharedBreaker.timeoutMillis', timeoutMillis, 'must be an integer >= 1')
  if (onError !== undefined && typeof onError !== 'function') throw new ConfigError('sharedBreaker.onError', onError, 'must be a function')
  return new RedisBreakerSharing(redis, key, timeoutMillis, onError)
}

interface Member {
  readonly node: string
  readonly peer: BreakerPeer
}

class RedisBreakerSharing implements SharedBreaker {
  readonly #redis: RedisClient
  readonly #key: string
  readonly #channel: string
  readonly #timeoutMillis: number
  readonly #onError: ((error: Error) => void) | undefined
  /** Every breaker that joined, by its origin id. */
  readonly #members = new Map<string, Member>()
  #subscriber: RedisSubscriber | undefined

  constructor(redis: RedisClient, key: string, timeoutMillis: number, onError: ((error: Error) => void) | undefined) {
    this.#redis = redis
    this.#key = key
    this.#channel = `${key}:breaker`
    this.#timeoutMillis = timeoutMillis
    this.#onError = onError
  }

  join(node: string, peer: BreakerPeer): SharedBreakerNode {
    const origin = randomUUID()
    this.#members.set(origin, { node, peer })
    this.#listen()
    const lock = `${this.#key}:probe:${node}`
    let holding = false
    const release = (): void => {
      if (!holding) return
      holding = false
      this.#send('EVAL', RELEASE_SCRIPT, 1, lock, origin)
    }
    return {
      publishOpen: (retryAt, lastError) => {
        this.#publish({ origin, node, state: 'open', retryAt, lastError })
        release()
      },
      publishProbed: () => this.#publish({ origin, node, state: 'probed' }),
      publishClose: () => {
        this.#publish({ origin, node, state: 'closed' })
        release()
      },
      claimProbe: async (ttlMillis) => {
        try {
          const reply = await withDeadline(this.#redis.call('SET', lock, origin, 'PX', ttlMillis, 'NX'), this.#timeoutMillis, TIMED_OUT)
          if (reply === TIMED_OUT) {
            this.#report(new Error(`Redis did not answer the probe lock within ${this.#timeoutMillis}ms; probing locally`))
            return true
          }
          holding = reply === 'OK'
          return holding
        } catch (error) {
          this.#report(error)
          return true
        }
      },
      leave: () => {
        release()
        this.#members.delete(origin)
        if (this.#members.size === 0) this.close()
      },
    }
  }

  close(): void {
    const subscriber = this.#subscriber
    this.#subscriber = undefined
    try {
      subscriber?.disconnect()
    } catch (error) {
      this.#report(error)
    }
  }

  #listen(): void {
    if (this.#subscriber) return
    let subscriber: RedisSubscriber
    try {
      subscriber = this.#redis.duplicate()
    } catch (error) {
      return this.#report(error)
    }
    this.#subscriber = subscriber
    // with a listener, a Redis that is down is an event, never a crash
    subscriber.on('error', (error: unknown) => this.#report(error))
    subscriber.on('message', (channel: unknown, text: unknown) => {
      if (channel === this.#channel && typeof text === 'string') this.#deliver(text)
    })
    withDeadline(subscriber.subscribe(this.#channel), this.#timeoutMillis, undefined).catch((error: unknown) => this.#report(error))
  }

  #deliver(text: string): void {
    const message = decodeMessage(text)
    if (!message) return
    for (const [origin, member] of this.#members) {
      if (origin === message.origin || member.node !== message.node) continue
      try {
        if (message.state === 'open') member.peer.opened(message.retryAt!, message.lastError ?? '')
        else if (message.state === 'probed') member.peer.probed()
        else member.peer.closed()
      } catch (error) {
        this.#report(error)
      }
    }
  }

  #publish(message: BreakerMessage): void {
    this.#send('PUBLISH', this.#channel, encodeMessage(message))
  }

  /** Fire and forget, within the deadline. */
  #send(command: string, ...args: Array<string | number>): void {
    let sending: Promise<unknown>
    try {
      sending = this.#redis.call(command, ...args)
    } catch (error) {
      return this.#report(error)
    }
    withDeadline(sending, this.#timeoutMillis, TIMED_OUT)
      .then((reply) => {
        if (reply === TIMED_OUT) this.#report(new Error(`Redis did not answer ${command} within ${this.#timeoutMillis}ms`))
      })
      .catch((error: unknown) => this.#report(error))
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error instanceof Error ? error : new Error(String(error)))
    } catch {
      // a throwing onError must not break the pools
    }
  }
}

const TIMED_OUT = Symbol('timed out')
