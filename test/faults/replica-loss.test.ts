import { describe, expect, it } from 'vitest'
import type { Pool } from '@sluice/core'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import type { FaultProxy } from '../fault-proxy/fault-proxy.js'
import { CallLoad } from './support/call-load.js'
import { FAULT_TARGETS } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, resolvesWithin } from './support/settle.js'
import { lockReplicasForFile } from '../../packages/core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres', 'mysql')

/**
 * The replica goes away under a read load (its connections reset; then it
 * refuses connections, or new connections go nowhere): reads must fall back
 * to the primary with zero failed reads, the replica must leave the rotation
 * and come back into it once it answers again. The replica sits behind a
 * fault proxy; the primary is reached directly.
 */
const ACQUIRE = 1_500
const QUERY = 1_000
const CHECK = 200
// a read may wait for the replica, then run on the primary
const READ_BOUND = ACQUIRE + ACQUIRE + QUERY + MARGIN_MILLIS

describe.each(FAULT_TARGETS)('losing the $kind replica under a read load', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)

  const routedPool = async (): Promise<{ proxy: FaultProxy; pool: Pool }> => {
    const proxy = await scene().proxy(target.replica)
    const pool = scene().pool({
      dialect: target.dialect(target.primary, 1_000),
      replicas: [target.dialect(target.via(target.replica, proxy.port), 1_000)],
      routing: { replicaCheckIntervalMillis: CHECK },
      min: 2,
      max: 6,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: QUERY,
      createRetryInitialMillis: 50,
      createRetryMaxMillis: 200,
      // a burst of failed reads opens the replica's breaker (reads go to the primary meanwhile); probe again soon
      breaker: { recoveryTimeoutMillis: 300 },
    })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    await until(() => pool.routingStats()!.replicas[0]!.healthy, 'the replica to join the rotation', 5_000)
    return { proxy, pool }
  }

  const readLoad = (pool: Pool) => new CallLoad('a read', () => pool.query('SELECT 1 AS one'), READ_BOUND).start(8)
  const replica = (pool: Pool) => pool.routingStats()!.replicas[0]!

  /** Waits until the replica serves reads again after `proxy.pass()`; returns how long that took. */
  const backInRotation = async (pool: Pool, proxy: FaultProxy): Promise<number> => {
    const readsBefore = replica(pool).reads
    await proxy.pass()
    const at = performance.now()
    await until(() => replica(pool).healthy && replica(pool).reads > readsBefore, 'the replica to serve reads again', CHECK + ACQUIRE + 3 * MARGIN_MILLIS)
    return Math.round(performance.now() - at)
  }

  it('a network blip (every replica connection reset): zero failed reads, the replica keeps serving', async () => {
    const { proxy, pool } = await routedPool()
    const load = readLoad(pool)
    await until(() => replica(pool).reads >= 20, 'reads on the replica', 5_000)
    expect(proxy.reset()).toBeGreaterThan(0)
    const readsAfterReset = replica(pool).reads
    await until(() => replica(pool).reads > readsAfterReset + 20, 'the replica to serve reads again after the reset', CHECK + ACQUIRE + 3 * MARGIN_MILLIS)
    const report = await load.stop()
    console.log(`${target.kind} blip: ${report.succeeded} reads, ${report.failures.length} failed, ${pool.routingStats()!.fallbacks} fell back to the primary`)
    expect(report.failures.map(describeError), 'failed reads').toEqual([])
  })

  for (const [how, cut] of [
    ['stops (connections reset, new ones refused)', (proxy: FaultProxy) => proxy.refuse()],
    ['vanishes (connections reset, new ones blackholed)', (proxy: FaultProxy) => proxy.drop()],
  ] as const) {
    it(`the replica ${how}: zero failed reads, it leaves the rotation and comes back`, async () => {
      const { proxy, pool } = await routedPool()
      const load = readLoad(pool)
      await until(() => replica(pool).reads >= 20, 'reads on the replica', 5_000)
      const primaryReads = pool.routingStats()!.readsToPrimary
      await cut(proxy)
      proxy.reset()
      const cutAt = performance.now()
      await until(() => !replica(pool).healthy, 'the replica to leave the rotation', CHECK + ACQUIRE + MARGIN_MILLIS)
      const outAfter = Math.round(performance.now() - cutAt)
      await until(() => pool.routingStats()!.readsToPrimary > primaryReads + 20, 'reads on the primary', READ_BOUND)
      const backAfter = await backInRotation(pool, proxy)
      const report = await load.stop()
      const stats = pool.routingStats()!
      console.log(
        `${target.kind} replica ${how.split(' ')[0]}: out of rotation after ${outAfter} ms, back ${backAfter} ms after it answered; ` +
          `${report.succeeded} reads, ${report.failures.length} failed, ${stats.fallbacks} fell back, ${stats.readsToPrimary - primaryReads} on the primary meanwhile`,
      )
      expect(report.failures.map(describeError), 'failed reads').toEqual([])
    })
  }
})

/**
 * A frozen replica: reads on it time out, which counts against the replica
 * (its breaker) and sends the read to the primary (a read is safe to run
 * again), so no read fails.
 */
describe.each(FAULT_TARGETS)('a frozen $kind replica under a read load', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)
  const ACQUIRE = 1_500
  const QUERY = 1_000

  it('zero failed reads: they fall back to the primary, the replica leaves the rotation and comes back after the thaw', async () => {
    const proxy: FaultProxy = await scene().proxy(target.replica)
    const pool: Pool = scene().pool({
      dialect: target.dialect(target.primary, 1_000),
      replicas: [target.dialect(target.via(target.replica, proxy.port), 1_000)],
      routing: { replicaCheckIntervalMillis: 200 },
      min: 2,
      max: 6,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: QUERY,
      // the timed-out reads open the replica's breaker; it probes again soon after the thaw
      breaker: { recoveryTimeoutMillis: 500 },
    })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    const replica = () => pool.routingStats()!.replicas[0]!
    await until(() => replica().healthy, 'the replica to join the rotation', 5_000)
    const load = new CallLoad('a read', () => pool.query('SELECT 1 AS one'), ACQUIRE + QUERY + ACQUIRE + QUERY + MARGIN_MILLIS).start(8)
    await until(() => replica().reads >= 20, 'reads on the replica', 5_000)
    await proxy.freeze()
    await until(() => !replica().healthy, 'the frozen replica to leave the rotation', QUERY + ACQUIRE + MARGIN_MILLIS)
    const reads = replica().reads
    await proxy.pass()
    await until(() => replica().healthy && replica().reads > reads, 'the replica to serve reads again', 5_000)
    const report = await load.stop()
    expect(report.failures.map(describeError), 'failed reads').toEqual([])
  })
})
