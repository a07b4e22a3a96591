import { describe, expect, it } from 'vitest'
import { PoolEntry } from '../../src/connection/pool-entry.js'

/** A command that settles when the test says so. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('pool entry: the connection actor', () => {
  it('runs commands one at a time in arrival order, each caller getting its own outcome', async () => {
    const entry = new PoolEntry('conn-1', { name: 'raw' }, 0, Number.POSITIVE_INFINITY)
    const started: string[] = []
    const first = deferred<string>()
    const second = deferred<string>()
    const a = entry.run((raw) => {
      started.push(`a on ${raw.name}`)
      return first.promise
    })
    const b = entry.run(() => {
      started.push('b')
      return second.promise
    })
    const c = entry.run(() => {
      started.push('c')
      throw new Error('c threw before returning a promise')
    })
    const d = entry.run(() => {
      started.push('d')
      return Promise.resolve('d done')
    })
    expect(started).toEqual(['a on raw'])
    expect(entry.busy).toBe(true)
    first.reject(new Error('a failed'))
    await expect(a).rejects.toThrow('a failed')
    expect(started).toEqual(['a on raw', 'b'])
    second.resolve('b done')
    expect(await b).toBe('b done')
    await expect(c).rejects.toThrow('c threw before returning a promise')
    expect(await d).toBe('d done')
    expect(started).toEqual(['a on raw', 'b', 'c', 'd'])
    expect(entry.busy).toBe(false)
  })

  it('is free again by the time its caller sees the result, resolved or rejected, and a synchronous throw still settles', async () => {
    const entry = new PoolEntry('conn-1', {}, 0, Number.POSITIVE_INFINITY)
    const seen: boolean[] = []
    await entry.run(() => Promise.resolve(1)).then(() => seen.push(entry.busy))
    await entry.run(() => Promise.reject(new Error('no'))).catch(() => seen.push(entry.busy))
    await entry
      .run(() => {
        throw new Error('sync')
      })
      .catch(() => seen.push(entry.busy))
    expect(seen).toEqual([false, false, false])
    // and the queue is not stuck after any of them
    expect(await entry.run(() => Promise.resolve('next'))).toBe('next')
    await entry.drained()
  })

  it('a begun command (no promise) holds the slot: later commands and drained() wait for ended()', async () => {
    const entry = new PoolEntry('conn-2', { name: 'raw' }, 0, Number.POSITIVE_INFINITY)
    entry.begin()
    expect(entry.busy).toBe(true)
    const started: string[] = []
    const later = entry.run(() => {
      started.push('later')
      return Promise.resolve('later done')
    })
    let drained = false
    void entry.drained().then(() => (drained = true))
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(started).toEqual([])
    entry.ended()
    await expect(later).resolves.toBe('later done')
    expect(started).toEqual(['later'])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(drained).toBe(true)
    expect(entry.busy).toBe(false)
    // nobody waited this time: nothing to settle, the next command starts at once
    entry.begin()
    entry.ended()
    const next = entry.run(() => {
      started.push('next')
      return Promise.resolve('next done')
    })
    expect(started).toEqual(['later', 'next'])
    await expect(next).resolves.toBe('next done')
  })
})
