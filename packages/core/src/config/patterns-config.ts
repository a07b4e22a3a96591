import { ConfigError } from '../errors/config-error.js'
import { PATTERNS_DEFAULTS } from './defaults.js'
import { checkKnownKeys, integer } from './validators.js'

/** Options of `createPool({ patterns })`: what the pool remembers of its statements. */
export interface PatternsOptions {
  /** Statement fingerprints tracked at most (the most frequent ones, space-saving). Defaults to 1 000. */
  readonly capacity?: number
  /** Distinct tables that get their own `table` label in the query-duration metrics; the rest are `other`. Defaults to 20. */
  readonly tableLabels?: number
}

export interface ResolvedPatternsConfig {
  readonly capacity: number
  readonly tableLabels: number
}

const KNOWN = new Set(['capacity', 'tableLabels'])

export function resolvePatternsConfig(options: PatternsOptions | undefined): ResolvedPatternsConfig {
  if (options === undefined) return PATTERNS_DEFAULTS
  if (options === null || typeof options !== 'object') throw new ConfigError('patterns', options, 'must be an object')
  checkKnownKeys('patterns.', options, KNOWN)
  return Object.freeze({
    capacity: integer('patterns.capacity', options.capacity ?? PATTERNS_DEFAULTS.capacity, 1),
    tableLabels: integer('patterns.tableLabels', options.tableLabels ?? PATTERNS_DEFAULTS.tableLabels, 0),
  })
}
