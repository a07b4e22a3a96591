import { describe, expect, it } from 'vitest'
import type { LeaseHost } from '../../src/connection/lease.js'
import { PoolEntry } from '../../src/connection/pool-entry.js'
import { PoolTimeoutError } from '../../src/errors/pool-timeout-error.js'
import type { RetireReason } from '../../src/housekeeping/housekeeper.js'
import { PoolCounters } from '../../src/metrics/pool-counters.js'
import { ConnectionBag } from '../../src/pool/connection-bag.js'
import type { PoolEvents } from '../../src/pool/pool-events.js'
import { TypedEmitter } from '../../src/util/typed-emitter.js'
import { WorkflowScope } from '../../src/workflow/workflow-scope.js'
import { flush, ManualClock } from '../support/manual-clock.js'
import { StubDialect } from '../support/stub-dialect.js'

const ACQUIRE_TIMEOUT = 1_000

/** A bag on the stub dialect with a manual clock, and what it asked its pool to retire. */
async function bagWith(count: number) {
  const clock = new ManualClock()
  const dialect = new StubDialect()
  const counters = new PoolCounters()
  const retired: Array<[string, RetireReason]> = []
  const leaseHost: LeaseHost = {
    name: 'bag-test',
    dialect,
    clock,
    counters,
    queryTimeoutMillis: 0,
    giveBack: () => {},
    inTransaction: () => false,
  }
  const bag: ConnectionBag = new ConnectionBag({
    clock,
    acquireTimeoutMillis: ACQUIRE_TIMEOUT,
    healthThreshold: 50,
    counters,
    events: new TypedEmitter<PoolEvents>(() => {}),
    leaseHost,
    retire: (entry, reason) => {
      retired.push([entry.id, reason])
      bag.remove(entry)
    },
    timeoutError: (waited) => new PoolTimeoutError('bag-test', waited, bag.snapshot(count)),
  })
  const entries: PoolEntry[] = []
  for (let i = 1; i <= count; i++) {
    const entry = new PoolEntry(`conn-${i}`, await dialect.connect(), clock.now(), Number.POSITIVE_INFINITY)
    bag.add(entry)
    entries.push(entry)
  }
  return { bag, clock, counters, entries, retired }
}

describe('connection bag', () => {
  it('derives every count from the entries\' states and its two queues', async () => {
    const { bag, clock, entries } = await bagWith(3)
    // just opened: in the bag, reserved until first made idle
    expect([bag.total, bag.idle, bag.count('reserved'), bag.load()]).toEqual([3, 0, 3, 3])
    for (const entry of entries) bag.makeIdle(entry, clock.now())
    expect([bag.total, bag.idle, bag.count('idle'), bag.count('in-use'), bag.load()]).toEqual([3, 3, 3, 0, 0])
    const lease = bag.lendIdle(undefined, undefined)!
    expect([bag.idle, bag.count('in-use'), bag.load()]).toEqual([2, 1, 1])
    expect(bag.reserve(entries[0]!)).toBe(true)
    expect([bag.idle, bag.count('reserved'), bag.load()]).toEqual([1, 1, 2])
    bag.takeBack(lease)
    expect([bag.count('in-use'), bag.count('reserved')]).toEqual([0, 2])
    expect(bag.remove(entries[1]!)).toBe(true)
    expect(bag.remove(entries[1]!)).toBe(false)
    expect([bag.total, bag.idle, bag.load()]).toEqual([2, 0, 2])
    expect(bag.snapshot(3)).toEqual({ total: 2, active: 0, idle: 0, waiting: 0, max: 3 })
  })

  it('lends the most recently returned idle connection first, and retires unusable ones on the way', async () => {
    const { bag, clock, entries, retired } = await bagWith(3)
    for (const entry of entries) bag.makeIdle(entry, clock.now())
    entries[2]!.markBroken(new Error('gone'))
    expect(bag.lendIdle(undefined, undefined)?.id).toBe('conn-2')
    expect(retired).toEqual([['conn-3', 'broken']])
    expect(bag.lendIdle(undefined, undefined)?.id).toBe('conn-1')
    expect(bag.lendIdle(undefined, undefined)).toBeUndefined()
  })

  it('serves waiters first come, first served, and never lends past one that waits', async () => {
    const { bag, clock, entries } = await bagWith(2)
    const served: string[] = []
    for (const name of ['a', 'b', 'c']) bag.wait((lease) => served.push(`${name}:${lease.id}`), () => {}, clock.now(), undefined, undefined)
    bag.makeIdle(entries[0]!, clock.now())
    bag.makeIdle(entries[1]!, clock.now())
    expect(served).toEqual(['a:conn-1', 'b:conn-2'])
    expect(bag.waiting).toBe(1)
    // c still waits: the fast path must not jump the queue
    expect(bag.lendIdle(undefined, undefined)).toBeUndefined()
  })

  it('times every waiter out with one timer, oldest first, which finds nobody due once nobody waits', async () => {
    const { bag, clock, counters, entries } = await bagWith(1)
    const outcomes: string[] = []
    const wait = (name: string): void =>
      bag.wait(
        (lease) => outcomes.push(`${name} got ${lease.id}`),
        (error) => outcomes.push(`${name} ${(error as PoolTimeoutError).code} after ${(error as PoolTimeoutError).waitedMillis}ms`),
        clock.now(),
        undefined,
        undefined,
      )
    wait('a')
    await clock.advance(200)
    wait('b')
    await clock.advance(200)
    wait('c')
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(600)
    expect(outcomes).toEqual(['a SLUICE_POOL_TIMEOUT after 1000ms'])
    // re-armed for the new oldest
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(200)
    expect(outcomes).toEqual(['a SLUICE_POOL_TIMEOUT after 1000ms', 'b SLUICE_POOL_TIMEOUT after 1000ms'])
    bag.makeIdle(entries[0]!, clock.now())
    await flush()
    expect(outcomes.at(-1)).toBe('c got conn-1')
    // still armed for c (no timer churn per burst of waiters), but due for nobody
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(1_000)
    expect(clock.pendingTimers).toBe(0)
    expect(counters.acquireTimeouts).toBe(2)
    expect(outcomes).toHaveLength(3)
  })

  it("tells each borrower's acquire time, stack, scope and leak report apart when one connection is lent again", async () => {
    const { bag, clock, entries } = await bagWith(1)
    const scope = new WorkflowScope('wf-1', 'checkout', clock.now())
    const start = clock.now()
    bag.makeIdle(entries[0]!, start)
    await clock.advance(100)
    // with a stack (leak detection on) the lend reads the clock
    const first = bag.lendIdle(scope, 'stack of the first borrower')!
    expect([first.acquiredAt, first.acquireStack, first.scope, first.leakReported]).toEqual([start + 100, 'stack of the first borrower', scope, false])
    expect([...scope.leases]).toEqual([first])
    first.leakReported = true
    bag.makeIdle(bag.takeBack(first), clock.now())
    expect(scope.leases.size).toBe(0)
    await clock.advance(50)
    const second = bag.lendIdle(undefined, 'stack of the second borrower')!
    expect(second.entry).toBe(first.entry)
    expect([second.acquiredAt, second.acquireStack, second.scope, second.leakReported]).toEqual([start + 150, 'stack of the second borrower', undefined, false])
    expect(scope.peak).toBe(1)
  })
})
