import { ConfigError } from '../errors/config-error.js'

/** The pool option `implicitPipelining`: `true` for the defaults, or the limits. */
export type ImplicitPipeliningOption = boolean | ImplicitPipeliningOptions

export interface ImplicitPipeliningOptions {
  /** Most statements in flight on one connection at once. Defaults to 16. */
  readonly maxDepth?: number
  /** How long one connection keeps taking pipelined statements before it drains and goes back to the pool (for lifetime, health and fairness). Defaults to 1000. */
  readonly maxHoldMillis?: number
}

export interface ResolvedImplicitPipelining {
  readonly maxDepth: number
  readonly maxHoldMillis: number
}

const DEFAULT_MAX_DEPTH = 16
const DEFAULT_MAX_HOLD_MILLIS = 1_000

/** Validates the option; `undefined` when pipelining is off. */
export function resolveImplicitPipelining(option: unknown): ResolvedImplicitPipelining | undefined {
  if (option === undefined || option === false) return undefined
  if (option === true) return { maxDepth: DEFAULT_MAX_DEPTH, maxHoldMillis: DEFAULT_MAX_HOLD_MILLIS }
  if (typeof option !== 'object' || option === null) throw new ConfigError('implicitPipelining', option, 'must be a boolean or an object')
  for (const key of Object.keys(option)) {
    if (key !== 'maxDepth' && key !== 'maxHoldMillis') throw new ConfigError(`implicitPipelining.${key}`, (option as Record<string, unknown>)[key], 'unknown option')
  }
  const { maxDepth = DEFAULT_MAX_DEPTH, maxHoldMillis = DEFAULT_MAX_HOLD_MILLIS } = option as ImplicitPipeliningOptions
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new ConfigError('implicitPipelining.maxDepth', maxDepth, 'must be an integer >= 1')
  if (typeof maxHoldMillis !== 'number' || !Number.isFinite(maxHoldMillis) || maxHoldMillis < 0) {
    throw new ConfigError('implicitPipelining.maxHoldMillis', maxHoldMillis, 'must be a finite number >= 0')
  }
  return { maxDepth, maxHoldMillis }
}
