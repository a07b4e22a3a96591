import { ConfigError } from '../errors/config-error.js'

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

const KNOWN = new Set(['strategy', 'maxReplicaLagMillis', 'replicaCheckIntervalMillis', 'readYourWrites', 'readYourWritesWindowMillis'])

export function resolveRoutingConfig(options: RoutingOptions | undefined): ResolvedRoutingConfig {
  const input = options ?? {}
  if (typeof input !== 'object' || input === null) throw new ConfigError('routing', input, 'must be an object')
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) throw new ConfigError(`routing.${key}`, (input as Record<string, unknown>)[key], 'unknown option')
  }
  const strategy = input.strategy ?? 'round-robin'
  if (!ROUTING_STRATEGIES.includes(strategy)) throw new ConfigError('routing.strategy', strategy, `must be one of ${ROUTING_STRATEGIES.join(', ')}`)
  const readYourWrites = input.readYourWrites ?? 'position'
  if (!READ_YOUR_WRITES_MODES.includes(readYourWrites)) {
    throw new ConfigError('routing.readYourWrites', readYourWrites, `must be one of ${READ_YOUR_WRITES_MODES.join(', ')}`)
  }
  return Object.freeze({
    strategy,
    readYourWrites,
    maxReplicaLagMillis: millis('routing.maxReplicaLagMillis', input.maxReplicaLagMillis ?? 5_000, 0),
    replicaCheckIntervalMillis: millis('routing.replicaCheckIntervalMillis', input.replicaCheckIntervalMillis ?? 500, 1),
    readYourWritesWindowMillis: millis('routing.readYourWritesWindowMillis', input.readYourWritesWindowMillis ?? 2_000, 0),
  })
}

function millis(field: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ConfigError(field, value, 'must be an integer number of milliseconds')
  if (value < minimum) throw new ConfigError(field, value, `must be >= ${minimum}`)
  return value
}
