import { ConfigError } from '../errors/config-error.js'
import { ROUTING_DEFAULTS } from './defaults.js'
import { checkKnownKeys, millis, oneOf } from './validators.js'

export const ROUTING_STRATEGIES = ['round-robin', 'least-busy'] as const
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number]

export const READ_YOUR_WRITES_MODES = ['position', 'window', 'off'] as const
/**
 * How a scope's reads see its own writes: `position` compares the primary's
 * replication position at the write with each replica's replay position
 * (falling back to `window` where the dialect cannot tell positions);
 * `window` sends the scope's reads to the primary for a fixed time after a
 * write; `off` routes reads without regard to earlier writes.
 */
export type ReadYourWritesMode = (typeof READ_YOUR_WRITES_MODES)[number]

/** Options of read/write routing (`createPool({ replicas, routing })`). */
export interface RoutingOptions {
  /** How a read picks among healthy replicas. Defaults to `'round-robin'`. */
  readonly strategy?: RoutingStrategy
  /** A replica further behind than this leaves the rotation until it catches up. Defaults to 5 000. */
  readonly maxReplicaLagMillis?: number
  /** How often each replica's lag, replay position and health are measured. Defaults to 500. */
  readonly replicaCheckIntervalMillis?: number
  /** Defaults to `'position'`. */
  readonly readYourWrites?: ReadYourWritesMode
  /** How long after a write a scope's reads stay on the primary in `window` mode. Defaults to 2 000. */
  readonly readYourWritesWindowMillis?: number
  /**
   * Functions, as `name` or `schema.name`, that only read: a statement
   * calling them may run on a replica although the database cannot say so
   * (MySQL/MariaDB stored functions, PostgreSQL functions marked volatile).
   */
  readonly safeFunctions?: readonly string[]
  /** Functions that send a statement calling them to the primary, whatever the database says. `name` matches every schema. */
  readonly unsafeFunctions?: readonly string[]
  /** How long PostgreSQL's word on a function's volatility is cached. Defaults to 60 000. */
  readonly functionCacheMillis?: number
}

export interface ResolvedRoutingConfig {
  readonly strategy: RoutingStrategy
  readonly maxReplicaLagMillis: number
  readonly replicaCheckIntervalMillis: number
  readonly readYourWrites: ReadYourWritesMode
  readonly readYourWritesWindowMillis: number
  readonly safeFunctions: readonly string[]
  readonly unsafeFunctions: readonly string[]
  readonly functionCacheMillis: number
}

const KNOWN: ReadonlySet<string> = new Set(Object.keys(ROUTING_DEFAULTS))

export function resolveRoutingConfig(options: RoutingOptions | undefined): ResolvedRoutingConfig {
  const input = options ?? {}
  if (typeof input !== 'object' || input === null) throw new ConfigError('routing', input, 'must be an object')
  checkKnownKeys('routing.', input, KNOWN)
  const d = ROUTING_DEFAULTS
  return Object.freeze({
    strategy: oneOf('routing.strategy', input.strategy ?? d.strategy, ROUTING_STRATEGIES),
    readYourWrites: oneOf('routing.readYourWrites', input.readYourWrites ?? d.readYourWrites, READ_YOUR_WRITES_MODES),
    maxReplicaLagMillis: millis('routing.maxReplicaLagMillis', input.maxReplicaLagMillis ?? d.maxReplicaLagMillis, 0),
    replicaCheckIntervalMillis: millis('routing.replicaCheckIntervalMillis', input.replicaCheckIntervalMillis ?? d.replicaCheckIntervalMillis, 1),
    readYourWritesWindowMillis: millis('routing.readYourWritesWindowMillis', input.readYourWritesWindowMillis ?? d.readYourWritesWindowMillis, 0),
    safeFunctions: functionNames('routing.safeFunctions', input.safeFunctions ?? d.safeFunctions),
    unsafeFunctions: functionNames('routing.unsafeFunctions', input.unsafeFunctions ?? d.unsafeFunctions),
    functionCacheMillis: millis('routing.functionCacheMillis', input.functionCacheMillis ?? d.functionCacheMillis, 0),
  })
}

/** A list of `name` or `schema.name` strings (no quotes, no parentheses). */
function functionNames(field: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw new ConfigError(field, value, 'must be an array of function names ("name" or "schema.name")')
  return Object.freeze(
    value.map((name: unknown, i) => {
      if (typeof name !== 'string' || !/^[^.\s()"`]+(\.[^.\s()"`]+)?$/.test(name)) {
        throw new ConfigError(`${field}[${i}]`, name, 'must be a function name: "name" or "schema.name"')
      }
      return name
    }),
  )
}
