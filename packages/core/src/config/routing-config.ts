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
}

export interface ResolvedRoutingConfig {
  readonly strategy: RoutingStrategy
  readonly maxReplicaLagMillis: number
  readonly replicaCheckIntervalMillis: number
  readonly readYourWrites: ReadYourWritesMode
  readonly readYourWritesWindowMillis: number
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
  })
}
