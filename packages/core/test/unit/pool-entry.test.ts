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
})
