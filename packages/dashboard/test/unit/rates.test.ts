import { describe, expect, it } from 'vitest'
import { poolRates, replicaReadsPerSecond } from '../../src/collect/rates.js'
import type { PoolSnapshot } from '../../src/collect/snapshot.js'

function snapshot(totals: Partial<PoolSnapshot['totals']>, cache?: { hits: number; misses: number }, replicaReads?: number): PoolSnapshot {
  return {
    totals: { executed: 0, errors: 0, connectionsCreated: 0, connectionsRecycled: 0, connectsFailed: 0, acquireTimeouts: 0, ...totals },
    statementCache: cache ? { size: 1, evictions: 0, hitRatio: 0, ...cache } : null,
    nodes: replicaReads === undefined ? [] : [{ node: 'replica-1', reads: replicaReads }],
  } as unknown as PoolSnapshot
}

describe('rates between two samples', () => {
  it('are the counters\' differences per second', () => {
    const rates = poolRates(snapshot({ executed: 150, errors: 3, acquireTimeouts: 1, connectionsCreated: 4, connectionsRecycled: 2 }, { hits: 90, misses: 10 }), snapshot({ executed: 50, errors: 1, connectionsCreated: 2 }, { hits: 20, misses: 5 }), 2)
    expect(rates).toEqual({
      queriesPerSecond: 50,
      errorsPerSecond: 1,
      errorRatio: 0.02,
      acquireTimeoutsPerSecond: 0.5,
      connectionsCreatedPerSecond: 1,
      connectionsRecycledPerSecond: 1,
      statementCacheHitRatio: 70 / 75,
    })
  })

  it('are absent, not negative, when a counter went down (another pool under the same name)', () => {
    expect(poolRates(snapshot({ executed: 10 }), snapshot({ executed: 500 }), 1)).toBeNull()
  })

  it('have no error ratio worth a division by zero, and no hit ratio without a lookup', () => {
    const rates = poolRates(snapshot({ executed: 5 }, { hits: 3, misses: 1 }), snapshot({ executed: 5 }, { hits: 3, misses: 1 }), 1)
    expect(rates?.errorRatio).toBe(0)
    expect(rates?.statementCacheHitRatio).toBeNull()
    expect(poolRates(snapshot({}), snapshot({}), 1)?.statementCacheHitRatio).toBeNull()
  })

  it('give a replica its reads per second, or nothing on its first sample', () => {
    expect(replicaReadsPerSecond('replica-1', 40, snapshot({}, undefined, 10), 3)).toBe(10)
    expect(replicaReadsPerSecond('replica-1', 40, undefined, 3)).toBeNull()
    expect(replicaReadsPerSecond('replica-2', 40, snapshot({}, undefined, 10), 3)).toBeNull()
    expect(replicaReadsPerSecond('replica-1', 5, snapshot({}, undefined, 10), 3)).toBeNull()
  })
})
