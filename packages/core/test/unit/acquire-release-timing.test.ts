import { describe, expect, it } from 'vitest'
import type { PoolConnection } from '../../src/connection/pool-connection.js'
import { PoolTimeoutError } from '../../src/errors/pool-timeout-error.js'
import { LatencyWindow } from '../../src/metrics/latency-window.js'
import { flush, ManualClock } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

/** A manual clock that counts its readings: the clock is the largest cost of an acquire + release. */
class CountingClock extends ManualClock {
  reads = 0
  override now(): number {
    this.reads++
    return super.now()
  }
}

function timedPool(max: number) {
  const clock = new CountingClock()
  const { pool } = stubPool({ max, clock, acquireTimeoutMillis: 100, healthCheckIntervalMillis: 0 })
  const node = () => pool.metrics().nodes[0]!
  return { pool, clock, node }
}

describe('acquire and release timing', () => {
  it('times an immediately served acquire as exactly 0 and the usage exactly, with two clock reads per cycle', async () => {
    const { pool, clock, node } = timedPool(1)
    ;(await pool.acquire()).release() // opens the connection
    const before = node()
    clock.reads = 0
    const connection = await pool.acquire()
    await clock.advance(7)
    connection.release()
    const after = node()
    // one reading when lent (the usage starts), one when given back (it ends); none for the wait
    expect(clock.reads).toBe(2)
    expect(after.acquireSeconds.count - before.acquireSeconds.count).toBe(1)
    expect(after.acquireSeconds.sum).toBe(before.acquireSeconds.sum)
    expect(after.usageSeconds.count - before.usageSeconds.count).toBe(1)
    expect(after.usageSeconds.sum - before.usageSeconds.sum).toBeCloseTo(0.007, 12)
    await pool.close()
  })

  it('hands a released connection to the oldest waiter at the release\'s own reading, in FIFO order, timing each wait exactly', async () => {
    const { pool, clock, node } = timedPool(1)
    const first = await pool.acquire()
    const before = node()
    const served: string[] = []
    const waiting = ['b', 'c'].map((name) => pool.acquire().then((connection) => (served.push(name), connection)))
    await clock.advance(3)
    clock.reads = 0
    first.release()
    await flush()
    // the release's reading ends the first usage, ends b's wait and starts b's usage
    expect(clock.reads).toBe(1)
    expect(served).toEqual(['b'])
    const b = await waiting[0]!
    await clock.advance(2)
    b.release()
    const c = await waiting[1]!
    expect(served).toEqual(['b', 'c'])
    c.release()
    const after = node()
    expect(after.acquireSeconds.count - before.acquireSeconds.count).toBe(2)
    // b waited 3 ms, c 5 ms
    expect(after.acquireSeconds.sum - before.acquireSeconds.sum).toBeCloseTo(0.008, 12)
    expect(after.usageSeconds.count - before.usageSeconds.count).toBe(3)
    await pool.close()
  })

  it('times a waiting acquire that keeps a stack or a workflow scope from its own reading, and hands both to its lease', async () => {
    const clock = new CountingClock()
    const { pool } = stubPool({ max: 1, clock, acquireTimeoutMillis: 100, healthCheckIntervalMillis: 0, leakDetectionThresholdMillis: 1_000 })
    const node = () => pool.metrics().nodes[0]!
    const held = await pool.acquire()
    await pool.onWorkflowStart('wf-1', 'orders')
    const before = node()
    clock.reads = 0
    // with leak detection on, each waiter keeps its stack: these take the capturing executor (the test above, the pool's shared one)
    const plain = pool.acquire()
    await clock.advance(2)
    const scoped = pool.acquire({ workflowId: 'wf-1' })
    // one reading per waiting acquire, when it starts to wait
    expect(clock.reads).toBe(2)
    await clock.advance(3)
    held.release()
    const first = (await plain) as PoolConnection & { acquireStack?: string }
    expect(first.acquireStack).toContain('acquire-release-timing.test')
    first.release()
    const second = (await scoped) as PoolConnection & { acquireStack?: string }
    expect(second.acquireStack).toContain('acquire-release-timing.test')
    const after = node()
    // the first waited 5 ms, the second 3 ms
    expect(after.acquireSeconds.count - before.acquireSeconds.count).toBe(2)
    expect(after.acquireSeconds.sum - before.acquireSeconds.sum).toBeCloseTo(0.008, 12)
    // the scoped lease belongs to its workflow: still held when the workflow completes, it is released as leaked
    expect(await pool.onWorkflowComplete('wf-1')).toEqual({ workflowId: 'wf-1', peakConnections: 1, leakedConnections: 1 })
    expect(second.released).toBe(true)
    await pool.close()
  })

  it('never serves a waiter that timed out, and counts it as a timeout, not an acquire', async () => {
    const { pool, clock, node } = timedPool(1)
    const held = await pool.acquire()
    const before = node()
    let lateServed: PoolConnection | undefined
    const late = pool.acquire().then((connection) => (lateServed = connection))
    const rejected = expect(late).rejects.toBeInstanceOf(PoolTimeoutError)
    await clock.advance(100)
    await rejected
    const next = pool.acquire()
    held.release()
    const connection = await next
    expect(lateServed).toBeUndefined()
    expect(connection.id).toBe(held.id)
    connection.release()
    const after = node()
    expect(after.acquireTimeouts - before.acquireTimeouts).toBe(1)
    expect(after.acquireSeconds.count - before.acquireSeconds.count).toBe(1)
    await pool.close()
  })
})

describe('latency window', () => {
  it('keeps the mean of every sample and the percentiles of the last `capacity`, across wrap-arounds', () => {
    const window = new LatencyWindow(4)
    for (let i = 1; i <= 10; i++) window.record(i)
    expect(window.count).toBe(10)
    expect(window.mean()).toBe(5.5)
    // the last four: 7, 8, 9, 10
    expect(window.percentile(0)).toBe(7)
    expect(window.percentile(0.5)).toBe(8)
    expect(window.percentile(1)).toBe(10)
    for (let i = 11; i <= 12; i++) window.record(i)
    expect(window.percentile(0)).toBe(9)
    expect(window.percentile(1)).toBe(12)
  })
})
