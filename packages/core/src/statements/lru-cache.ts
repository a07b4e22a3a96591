import type { StatementCacheStats } from '../dialect.js'

/** Called with each entry the cache drops to make room (not for `delete()` or `clear()`). */
export type EvictionListener<K, V> = (key: K, value: V) => void

/**
 * A bounded least-recently-used map that counts its hits, misses and
 * evictions: the bookkeeping half of a per-connection statement cache.
 *
 * A `Map` keeps insertion order, so re-inserting a key on every hit makes the
 * first key the least recently used one. `capacity` 0 holds nothing (every
 * `set()` is dropped at once, uncounted).
 *
 * ```ts
 * const cache = new LruCache<string, string>(100, (sql, name) => deallocate(name))
 * const name = cache.get(sql) ?? prepare(sql)
 * ```
 *
 * @internal
 */
export class LruCache<K, V> {
  readonly capacity: number
  #hits = 0
  #misses = 0
  #evictions = 0
  readonly #entries = new Map<K, V>()
  readonly #onEvict: EvictionListener<K, V> | undefined

  constructor(capacity: number, onEvict?: EvictionListener<K, V>) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`LRU capacity must be an integer >= 0, got ${String(capacity)}`)
    this.capacity = capacity
    this.#onEvict = onEvict
  }

  get size(): number {
    return this.#entries.size
  }

  get hits(): number {
    return this.#hits
  }

  get misses(): number {
    return this.#misses
  }

  get evictions(): number {
    return this.#evictions
  }

  /** The value for `key`, now the most recently used; counts a hit or a miss. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) {
      this.#misses++
      return undefined
    }
    this.#hits++
    // move to the back: most recently used
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  /** The value for `key` without counting or touching it. */
  peek(key: K): V | undefined {
    return this.#entries.get(key)
  }

  has(key: K): boolean {
    return this.#entries.has(key)
  }

  /**
   * Stores `value` as the most recently used entry, first evicting the least
   * recently used ones while the cache is full (each counted, each reported
   * to the eviction listener).
   */
  set(key: K, value: V): void {
    if (this.capacity === 0) return
    if (this.#entries.delete(key)) {
      this.#entries.set(key, value)
      return
    }
    while (this.#entries.size >= this.capacity) this.#evictOldest()
    this.#entries.set(key, value)
  }

  /** Removes `key` (not counted as an eviction: the caller knows why it goes). */
  delete(key: K): boolean {
    return this.#entries.delete(key)
  }

  /** Forgets every entry, keeping the counters (the server forgot them: nothing to release). */
  clear(): void {
    this.#entries.clear()
  }

  /** Entries from least to most recently used. */
  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries()
  }

  stats(): StatementCacheStats {
    return { size: this.size, capacity: this.capacity, hits: this.#hits, misses: this.#misses, evictions: this.#evictions }
  }

  #evictOldest(): void {
    const oldest = this.#entries.entries().next()
    if (oldest.done === true) return
    const [key, value] = oldest.value
    this.#entries.delete(key)
    this.#evictions++
    this.#onEvict?.(key, value)
  }
}
