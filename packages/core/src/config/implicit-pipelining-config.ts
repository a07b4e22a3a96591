import { ConfigError } from '../errors/config-error.js'
import { IMPLICIT_PIPELINING_DEFAULTS } from './defaults.js'
import { checkKnownKeys, count, duration } from './validators.js'

/** The pool option `implicitPipelining`: `true` for the defaults, or the limits; `false` turns it off. Unset: on where the dialect can pipeline (PostgreSQL). */
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
  /** False when the option was left unset: a dialect that cannot pipeline then simply runs without it (no warning). */
  readonly explicit: boolean
}

const KNOWN: ReadonlySet<string> = new Set(Object.keys(IMPLICIT_PIPELINING_DEFAULTS))

/**
 * Validates the option; `undefined` when pipelining is off (`false`). Unset
 * means on with the defaults wherever the dialect can pipeline: each
 * statement keeps its own Sync, so pipelining never changes a result (see
 * docs/pipelining.md).
 */
export function resolveImplicitPipelining(option: unknown): ResolvedImplicitPipelining | undefined {
  if (option === false) return undefined
  if (option === undefined) return { ...IMPLICIT_PIPELINING_DEFAULTS, explicit: false }
  if (option === true) return { ...IMPLICIT_PIPELINING_DEFAULTS, explicit: true }
  if (typeof option !== 'object' || option === null) throw new ConfigError('implicitPipelining', option, 'must be a boolean or an object')
  checkKnownKeys('implicitPipelining.', option, KNOWN)
  const { maxDepth = IMPLICIT_PIPELINING_DEFAULTS.maxDepth, maxHoldMillis = IMPLICIT_PIPELINING_DEFAULTS.maxHoldMillis } = option as ImplicitPipeliningOptions
  return {
    maxDepth: count('implicitPipelining.maxDepth', maxDepth, 1),
    maxHoldMillis: duration('implicitPipelining.maxHoldMillis', maxHoldMillis, 0),
    explicit: true,
  }
}
