import type { PoolRates, PoolSnapshot } from './snapshot.js'

/**
 * Per-second rates between two snapshots of one pool. A counter that went
 * down means another pool now has this name: no rate then, rather than a
 * negative one.
 */
export function poolRates(current: Omit<PoolSnapshot, 'rates'>, previous: PoolSnapshot, seconds: number): PoolRates | null {
  const now = current.totals
  const before = previous.totals
  const executed = now.executed - before.executed
  const errors = now.errors - before.errors
  const timeouts = now.acquireTimeouts - before.acquireTimeouts
  const created = now.connectionsCreated - before.connectionsCreated
  const recycled = now.connectionsRecycled - before.connectionsRecycled
  if (Math.min(executed, errors, timeouts, created, recycled) < 0) return null
  return {
    queriesPerSecond: executed / seconds,
    errorsPerSecond: errors / seconds,
    errorRatio: executed === 0 ? 0 : Math.min(1, errors / executed),
    acquireTimeoutsPerSecond: timeouts / seconds,
    connectionsCreatedPerSecond: created / seconds,
    connectionsRecycledPerSecond: recycled / seconds,
    statementCacheHitRatio: intervalHitRatio(current, previous),
  }
}

function intervalHitRatio(current: Omit<PoolSnapshot, 'rates'>, previous: PoolSnapshot): number | null {
  const now = current.statementCache
  if (!now) return null
  const hits = now.hits - (previous.statementCache?.hits ?? 0)
  const misses = now.misses - (previous.statementCache?.misses ?? 0)
  if (hits < 0 || misses < 0 || hits + misses === 0) return null
  return hits / (hits + misses)
}

/** Reads per second sent to one replica since the previous snapshot. */
export function replicaReadsPerSecond(node: string, reads: number, previous: PoolSnapshot | undefined, seconds: number): number | null {
  const before = previous?.nodes.find((n) => n.node === node)?.reads
  if (before === undefined || before === null || seconds <= 0 || reads < before) return null
  return (reads - before) / seconds
}
