// @ts-check

/** @typedef {import('../src/collect/snapshot.js').PoolSnapshot} PoolSnapshot */

/**
 * The values one snapshot adds to its pool's history. Absent figures are
 * null (a gap), never zero.
 * @param {PoolSnapshot} s
 * @returns {Record<string, number | null>}
 */
export function seriesOf(s) {
  /** @type {Record<string, number | null>} */
  const values = {
    active: s.connections.active,
    idle: s.connections.idle,
    reserved: s.connections.reserved,
    pending: s.connections.pendingAcquires,
    creating: s.connections.pendingCreates,
    total: s.connections.total,
    max: s.max,
    utilization: s.utilization * 100,
    qps: s.rates?.queriesPerSecond ?? null,
    errorsPerSecond: s.rates?.errorsPerSecond ?? null,
    errorPercent: s.rates ? s.rates.errorRatio * 100 : null,
    acquireAvg: s.acquireWait.avgMillis,
    acquireP99: s.acquireWait.p99Millis,
    acquireP50: s.acquireWaitDistribution.p50Millis,
    queryAvg: s.queryTime.avgMillis,
    queryP99: s.queryTime.p99Millis,
    cacheHitInterval: s.rates?.statementCacheHitRatio == null ? null : s.rates.statementCacheHitRatio * 100,
    cacheHitTotal: s.statementCache ? s.statementCache.hitRatio * 100 : null,
  }
  for (const node of s.nodes) {
    if (node.role !== 'replica') continue
    values[`lag:${node.node}`] = node.lagMillis
    values[`reads:${node.node}`] = node.readsPerSecond
  }
  return values
}
