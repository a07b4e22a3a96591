import type { Pool } from '@sluice/core'

/**
 * What the dashboard reads of a pool: its public statistics, metrics and events,
 * nothing else. A `Pool` from `@sluice/core` is one.
 */
export type DashboardPool = Pick<Pool, 'stats' | 'metrics' | 'patterns' | 'routingStats' | 'workflowHistory' | 'closed' | 'on' | 'off'>

/** The methods a value must have to be taken for a pool. */
const POOL_METHODS = ['stats', 'metrics', 'routingStats', 'workflowHistory', 'on', 'off'] as const

export function isDashboardPool(value: unknown): value is DashboardPool {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Record<string, unknown>
  return POOL_METHODS.every((method) => typeof candidate[method] === 'function') && typeof candidate.closed === 'boolean'
}
