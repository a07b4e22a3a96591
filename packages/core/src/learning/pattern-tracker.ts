import type { StatementKind } from '../dialect.js'
import { Histogram, LATENCY_BUCKETS_SECONDS } from '../metrics/histogram.js'
import type { StatementShape } from '../sql/statement-shape.js'

/** One statement fingerprint, as `pool.patterns.frequent()` reports it. */
export interface QueryPattern {
  readonly fingerprint: string
  readonly operation: string
  readonly tables: readonly string[]
  readonly kind: StatementKind
  /** Executions counted. Once the tracker is full, a newcomer inherits the count of the pattern it displaced: see `countError`. */
  readonly count: number
  /** How much of `count` may be inherited (space-saving's overestimate); 0 for a pattern tracked since its first execution. */
  readonly countError: number
  /** Executions per second since the pattern was first tracked. */
  readonly ratePerSecond: number
  readonly meanMillis: number
  /** 95th percentile of its durations, from a cumulative histogram (interpolated in the bucket). */
  readonly p95Millis: number
  readonly errors: number
  /** When it last ran, in ms since the epoch. */
  readonly lastSeenAt: number
}

/** One tracked fingerprint: its heap slot and its figures since it was tracked. */
interface Tracked {
  readonly shape: StatementShape
  count: number
  countError: number
  errors: number
  firstSeen: number
  lastSeen: number
  heapIndex: number
  readonly durations: Histogram
}

/**
 * The most frequent statement fingerprints of a pool in bounded memory,
 * whatever the workload: Metwally's space-saving top-K. At most `capacity`
 * fingerprints are tracked; a new one, when full, takes the place of the
 * least counted and inherits its count (so counts are upper bounds, exact for
 * a pattern that was never displaced and `countError` says by how much
 * otherwise). A min-heap on the counts finds the least counted in O(1) and
 * keeps each record O(log capacity).
 *
 * Times are the pool clock's (`now`); `lastSeenAt` is turned into epoch ms
 * when read.
 */
export class PatternTracker {
  readonly capacity: number
  readonly #byFingerprint = new Map<string, Tracked>()
  readonly #heap: Tracked[] = []
  readonly #now: () => number

  constructor(capacity: number, now: () => number) {
    this.capacity = capacity
    this.#now = now
  }

  /** Fingerprints tracked now (never more than `capacity`). */
  get size(): number {
    return this.#heap.length
  }

  /** Counts one execution of `shape` that took `millis` and ended at `now` (pool clock). */
  record(shape: StatementShape, millis: number, failed: boolean, now: number): void {
    let tracked = this.#byFingerprint.get(shape.fingerprint)
    if (tracked === undefined) tracked = this.#admit(shape, now)
    tracked.count++
    tracked.lastSeen = now
    if (failed) tracked.errors++
    tracked.durations.observe(millis / 1000)
    this.#siftDown(tracked.heapIndex)
  }

  /** The `limit` most frequent patterns, the most frequent first. */
  frequent(limit: number): QueryPattern[] {
    const now = this.#now()
    const epochOffset = Date.now() - now
    return [...this.#heap]
      .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen)
      .slice(0, limit)
      .map((t) => {
        const seconds = Math.max(now - t.firstSeen, 1) / 1000
        const executed = t.durations.count
        return {
          fingerprint: t.shape.fingerprint,
          operation: t.shape.operation,
          tables: t.shape.tables,
          kind: t.shape.kind,
          count: t.count,
          countError: t.countError,
          ratePerSecond: executed / seconds,
          meanMillis: executed === 0 ? 0 : (t.durations.sum / executed) * 1000,
          p95Millis: t.durations.quantile(0.95) * 1000,
          errors: t.errors,
          lastSeenAt: Math.round(t.lastSeen + epochOffset),
        }
      })
  }

  #admit(shape: StatementShape, now: number): Tracked {
    let inherited = 0
    if (this.#heap.length >= this.capacity) {
      const least = this.#heap[0]!
      this.#byFingerprint.delete(least.shape.fingerprint)
      inherited = least.count
      const fresh = this.#fresh(shape, now, inherited, 0)
      this.#heap[0] = fresh
      this.#byFingerprint.set(shape.fingerprint, fresh)
      return fresh
    }
    const fresh = this.#fresh(shape, now, inherited, this.#heap.length)
    this.#heap.push(fresh)
    this.#byFingerprint.set(shape.fingerprint, fresh)
    // a new pattern holds the least count there is (0, or the least it inherits), so it belongs at the top
    this.#siftUp(fresh.heapIndex)
    return fresh
  }

  #fresh(shape: StatementShape, now: number, inherited: number, heapIndex: number): Tracked {
    return { shape, count: inherited, countError: inherited, errors: 0, firstSeen: now, lastSeen: now, heapIndex, durations: new Histogram(LATENCY_BUCKETS_SECONDS) }
  }

  #siftUp(index: number): void {
    const heap = this.#heap
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.count <= heap[i]!.count) break
      this.#swap(i, parent)
      i = parent
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap
    const n = heap.length
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) return
      const right = left + 1
      const smaller = right < n && heap[right]!.count < heap[left]!.count ? right : left
      if (heap[i]!.count <= heap[smaller]!.count) return
      this.#swap(i, smaller)
      i = smaller
    }
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap
    const x = heap[a]!
    const y = heap[b]!
    heap[a] = y
    heap[b] = x
    x.heapIndex = b
    y.heapIndex = a
  }
}
