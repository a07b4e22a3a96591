import { describe, expect, it } from 'vitest'
import { CircuitOpenError, type BreakerTransition, type Pool } from '@sluice/core'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import type { FaultProxy } from '../fault-proxy/fault-proxy.js'
import { CallLoad } from './support/call-load.js'
import { FAULT_TARGETS } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, resolvesWithin, settleWithin } from './support/settle.js'
import { lockReplicasForFile } from '../../packages/core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres', 'mysql')

/**
 * The circuit breaker of each node, against real servers behind the fault
 * proxy: it opens on refused connections, on reset connections and on a
 * frozen network; while open every call fails at once (no call waits on the
 * dead node); half-open while the node is still down it opens again; after
 * the node is back it pings, lets trial calls through and closes. A
 * replica's breaker opening moves reads to the primary with no failed read.
 * A user's SQL errors never open it.
 */
const RECOVERY = 600
const ACQUIRE = 1_000
const QUERY = 500
const BREAKER = { failureThreshold: 5, recoveryTimeoutMillis: RECOVERY, halfOpenMaxCalls: 2 }
const CALL_BOUND = ACQUIRE + QUERY + MARGIN_MILLIS

describe.each(FAULT_TARGETS)('the circuit breaker on $kind', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)

  const primaryBehindProxy = async (): Promise<{ proxy: FaultProxy; pool: Pool; transitions: BreakerTransition[] }> => {
    const proxy = await scene().proxy(target.primary)
    const pool = scene().pool({
      dialect: target.dialect(target.via(target.primary, proxy.port), 500),
      min: 2,
      max: 6,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: QUERY,
      createRetryInitialMillis: 20,
      createRetryMaxMillis: 100,
      healthCheckTimeoutMillis: 500,
      breaker: BREAKER,
    })
    const transitions: BreakerTransition[] = []
    pool.on('breaker', (t) => transitions.push(t))
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    return { proxy, pool, transitions }
  }
  const state = (pool: Pool) => pool.stats().breaker!.state
  const load = (pool: Pool) => new CallLoad('a query', () => pool.query('SELECT 1 AS one'), CALL_BOUND).start(8)

  /** While open: a call fails at once with CircuitOpenError. */
  const failsFast = async (pool: Pool) => {
    const settled = await settleWithin('a call while open', pool.query('SELECT 1'), 1_000)
    expect(settled.ok).toBe(false)
    if (!settled.ok) expect(settled.error, describeError(settled.error)).toBeInstanceOf(CircuitOpenError)
    expect(settled.millis).toBeLessThan(50)
  }

  /** Back after the fault: serving again, and the breaker closed by its trial calls. */
  const recovers = async (pool: Pool, proxy: FaultProxy, transitions: BreakerTransition[]) => {
    await proxy.pass()
    const at = performance.now()
    await until(() => state(pool) === 'closed', 'the breaker to close', RECOVERY + 4 * MARGIN_MILLIS)
    const closedAfter = Math.round(performance.now() - at)
    expect(await resolvesWithin('a query after the close', pool.query('SELECT 1 AS one', [], { fetch: 'one' }), 5_000)).toBeTruthy()
    expect(transitions.at(-1)).toMatchObject({ from: 'half-open', to: 'closed', reason: 'trial-succeeded' })
    return closedAfter
  }

  it('opens on refused connections, fails calls at once, re-opens on a failed probe, and closes once the database answers', async () => {
    const { proxy, pool, transitions } = await primaryBehindProxy()
    const calls = load(pool)
    await until(() => calls.succeeded >= 20, 'queries', 5_000)
    await proxy.refuse()
    proxy.reset()
    const cutAt = performance.now()
    await until(() => state(pool) === 'open', 'the breaker to open', CALL_BOUND)
    const openedAfter = Math.round(performance.now() - cutAt)
    await failsFast(pool)
    // the recovery timeout passes with the database still away: the probe fails, it opens again
    await until(() => transitions.some((t) => t.reason === 'probe-failed' || t.reason === 'half-open-failure'), 'a failed probe', RECOVERY + 2 * MARGIN_MILLIS)
    expect(state(pool)).toBe('open')
    const closedAfter = await recovers(pool, proxy, transitions)
    const report = await calls.stop()
    console.log(`${target.kind} refused: open after ${openedAfter} ms, closed ${closedAfter} ms after the database answered; ${report.failures.length} calls failed, ${pool.stats().breaker!.rejected} of them at once`)
    const kinds = new Set(report.failures.map((e) => (e as { code?: string }).code ?? describeError(e)))
    expect([...kinds].every((k) => k === 'SLUICE_CIRCUIT_OPEN' || k === 'SLUICE_POOL_TIMEOUT' || /^(ECONNRESET|ECONNREFUSED|PROTOCOL_CONNECTION_LOST|57P01)$/.test(k) || k.includes('Connection terminated')), [...kinds].join(', ')).toBe(true)
    expect(transitions.map((t) => t.to).slice(0, 2)).toEqual(['open', 'half-open'])
  })

  it('opens when every connection is reset under load, and closes after', async () => {
    const { proxy, pool, transitions } = await primaryBehindProxy()
    const calls = load(pool)
    await until(() => calls.succeeded >= 20, 'queries', 5_000)
    // the connections in flight fail together; new ones are refused so the burst is not drowned by reconnects
    await proxy.refuse()
    expect(proxy.reset()).toBeGreaterThan(0)
    await until(() => state(pool) === 'open', 'the breaker to open', CALL_BOUND)
    await failsFast(pool)
    await recovers(pool, proxy, transitions)
    await calls.stop()
    expect(transitions[0]).toMatchObject({ to: 'open', reason: 'consecutive-failures' })
  })

  it('opens on a frozen network (statements time out), and closes after the thaw', async () => {
    const { proxy, pool, transitions } = await primaryBehindProxy()
    const calls = load(pool)
    await until(() => calls.succeeded >= 20, 'queries', 5_000)
    await proxy.freeze()
    await until(() => state(pool) === 'open', 'the breaker to open', QUERY + CALL_BOUND)
    expect(transitions[0]!.lastError?.name).toMatch(/QueryTimeoutError|Error/)
    await failsFast(pool)
    const closedAfter = await recovers(pool, proxy, transitions)
    await calls.stop()
    console.log(`${target.kind} frozen: closed ${closedAfter} ms after the thaw`)
  })

  it('a replica\'s breaker opens: reads move to the primary with none failing, and come back once it closes', async () => {
    const proxy = await scene().proxy(target.replica)
    const pool = scene().pool({
      dialect: target.dialect(target.primary, 500),
      replicas: [target.dialect(target.via(target.replica, proxy.port), 500)],
      routing: { replicaCheckIntervalMillis: 100 },
      min: 2,
      max: 6,
      acquireTimeoutMillis: ACQUIRE,
      queryTimeoutMillis: QUERY,
      createRetryInitialMillis: 20,
      createRetryMaxMillis: 100,
      breaker: BREAKER,
    })
    const transitions: BreakerTransition[] = []
    pool.on('breaker', (t) => transitions.push(t))
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    const replica = () => pool.routingStats()!.replicas[0]!
    await until(() => replica().healthy, 'the replica to join the rotation', 5_000)
    const reads = new CallLoad('a read', () => pool.query('SELECT 1 AS one'), ACQUIRE + QUERY + CALL_BOUND).start(8)
    await until(() => replica().reads >= 20, 'reads on the replica', 5_000)
    await proxy.refuse()
    proxy.reset()
    await until(() => replica().breaker?.state === 'open', "the replica's breaker to open", CALL_BOUND)
    expect(replica().healthy).toBe(false)
    expect(pool.stats().breaker!.state).toBe('closed')
    const onPrimary = pool.routingStats()!.readsToPrimary
    await until(() => pool.routingStats()!.readsToPrimary > onPrimary + 20, 'reads on the primary', 5_000)
    const before = replica().reads
    await proxy.pass()
    await until(() => replica().breaker?.state === 'closed' && replica().reads > before, 'the replica to serve again', RECOVERY + 4 * MARGIN_MILLIS)
    const report = await reads.stop()
    expect(report.failures.map(describeError), 'failed reads').toEqual([])
    expect(transitions.every((t) => t.node.endsWith('/replica-1'))).toBe(true)
    expect(transitions.map((t) => t.to)).toContain('half-open')
  })

  it('never opens on a user\'s SQL errors', async () => {
    const { pool, transitions } = await primaryBehindProxy()
    const failures = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.query(`SELECT * FROM sluice_no_such_table_${i % 3}`).then(() => undefined, (e: unknown) => e)))
    expect(failures.every((e) => e instanceof Error && !(e instanceof CircuitOpenError))).toBe(true)
    expect(transitions).toEqual([])
    expect(pool.stats().breaker).toMatchObject({ state: 'closed', windowFailures: 0 })
  })
})
