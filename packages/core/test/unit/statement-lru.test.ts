import { describe, expect, it } from 'vitest'
import { LruCache } from '../../src/statements/lru-cache.js'
import { resolveStatementCacheConfig, wantsCache } from '../../src/statements/prepare-policy.js'

describe('statement LRU', () => {
  it('counts hits and misses, and keeps values', () => {
    const cache = new LruCache<string, number>(3)
    expect(cache.get('a')).toBeUndefined()
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
    expect(cache.get('a')).toBe(1)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.stats()).toEqual({ size: 1, capacity: 3, hits: 2, misses: 2, evictions: 0 })
  })

  it('evicts the least recently used entry at capacity, reporting each to the listener', () => {
    const evicted: Array<[string, number]> = []
    const cache = new LruCache<string, number>(2, (key, value) => evicted.push([key, value]))
    cache.set('a', 1)
    cache.set('b', 2)
    // touching `a` makes `b` the oldest
    cache.get('a')
    cache.set('c', 3)
    expect(evicted).toEqual([['b', 2]])
    expect([...cache.entries()]).toEqual([
      ['a', 1],
      ['c', 3],
    ])
    cache.set('d', 4)
    expect(evicted).toEqual([
      ['b', 2],
      ['a', 1],
    ])
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 2 })
  })

  it('replacing a key neither evicts nor grows; peek and has neither count nor touch', () => {
    const evicted: string[] = []
    const cache = new LruCache<string, number>(2, (key) => evicted.push(key))
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 10)
    expect(evicted).toEqual([])
    expect(cache.peek('a')).toBe(10)
    expect(cache.has('b')).toBe(true)
    // `b` is the oldest: `a` was re-set after it, peek did not touch it
    cache.set('c', 3)
    expect(evicted).toEqual(['b'])
    expect(cache.stats()).toEqual({ size: 2, capacity: 2, hits: 0, misses: 0, evictions: 1 })
  })

  it('delete and clear drop entries without counting evictions or calling the listener', () => {
    const evicted: string[] = []
    const cache = new LruCache<string, number>(3, (key) => evicted.push(key))
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.delete('a')).toBe(true)
    expect(cache.delete('a')).toBe(false)
    cache.get('b')
    cache.clear()
    expect(evicted).toEqual([])
    expect(cache.stats()).toEqual({ size: 0, capacity: 3, hits: 1, misses: 0, evictions: 0 })
  })

  it('holds nothing at capacity 0', () => {
    const evicted: string[] = []
    const cache = new LruCache<string, number>(0, (key) => evicted.push(key))
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    expect(evicted).toEqual([])
    expect(cache.stats()).toEqual({ size: 0, capacity: 0, hits: 0, misses: 1, evictions: 0 })
  })

  it('refuses a capacity that is not an integer >= 0', () => {
    expect(() => new LruCache(-1)).toThrow('LRU capacity must be an integer >= 0, got -1')
    expect(() => new LruCache(1.5)).toThrow(RangeError)
  })
})

describe('statement cache options', () => {
  const defaults = { statementCacheSize: 100, prepare: 'parameterized' } as const

  it('applies the defaults and takes valid values', () => {
    expect(resolveStatementCacheConfig({}, defaults)).toEqual(defaults)
    expect(resolveStatementCacheConfig({ statementCacheSize: 0, prepare: 'explicit' }, defaults)).toEqual({ statementCacheSize: 0, prepare: 'explicit' })
  })

  it('words its messages exactly', () => {
    expect(() => resolveStatementCacheConfig({ statementCacheSize: -1 }, defaults)).toThrow(
      'Sluice: invalid option dialect.statementCacheSize = -1: must be an integer from 0 (no cache) to 10000',
    )
    expect(() => resolveStatementCacheConfig({ statementCacheSize: '5' }, defaults)).toThrow('dialect.statementCacheSize = "5"')
    expect(() => resolveStatementCacheConfig({ prepare: true }, defaults)).toThrow(
      "Sluice: invalid option dialect.prepare = true: must be one of 'parameterized', 'all', 'explicit'",
    )
  })

  it('decides per statement: the caller first, then the mode', () => {
    expect(wantsCache('parameterized', [1], {})).toBe(true)
    expect(wantsCache('parameterized', [], {})).toBe(false)
    expect(wantsCache('parameterized', undefined, {})).toBe(false)
    expect(wantsCache('parameterized', [1], { prepare: false })).toBe(false)
    expect(wantsCache('explicit', [1], {})).toBe(false)
    expect(wantsCache('explicit', undefined, { prepare: true })).toBe(true)
    expect(wantsCache('all', undefined, {})).toBe(true)
  })
})
