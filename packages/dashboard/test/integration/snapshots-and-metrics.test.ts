import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool, mysql, postgres, sqlite, type Pool } from '@sluice/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDashboard, type Dashboard, type PoolSnapshot } from '../../src/index.js'
import { MYSQL_URL, PG_REPLICA_URL, PG_URL, TEST_PASSWORD } from '../support/databases.js'
import { get } from '../support/http.js'
import { parseMetrics } from '../../../prometheus/test/support/metrics-text.js'
import { runWorkload } from '../support/workload.js'
import { lockReplicasForFile } from '../../../core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres')

const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboard-snapshots-'))
const pools: Pool[] = []
let dashboard: Dashboard

function sqlitePool(name: string, options: Partial<Parameters<typeof createPool>[0]> = {}): Pool {
  const pool = createPool({ dialect: sqlite({ filename: join(dir, `${name}.db`) }), name, min: 1, max: 4, ...options })
  pools.push(pool)
  return pool
}

function sampleOf(name: string): { at: number; snapshot: PoolSnapshot } {
  const frame = dashboard.sample()
  const snapshot = frame.pools.find((p) => p.name === name)
  if (!snapshot) throw new Error(`${name} is not on the dashboard`)
  return { at: frame.at, snapshot }
}

async function metrics(): Promise<Map<string, number>> {
  const reply = await get(dashboard.prometheusUrl)
  expect(reply.status).toBe(200)
  expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parseMetrics(reply.body)
}

beforeAll(async () => {
  // a long interval: these tests take their samples themselves
  dashboard = await startDashboard({ refreshIntervalMillis: 60_000 })
})
afterAll(async () => {
  await dashboard.close()
  await Promise.all(pools.map((pool) => pool.close()))
  rmSync(dir, { recursive: true, force: true })
})

describe('a pool on the dashboard', () => {
  it('is sampled as stats() reports it at that moment, under load', async () => {
    const pool = sqlitePool('sampled')
    await pool.query('CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)')
    dashboard.add(pool)
    const load = runWorkload(pool, (p) => p.query('INSERT INTO items (v) VALUES (?)', ['x']), { concurrency: 4 })
    try {
      await new Promise((resolve) => setTimeout(resolve, 200))
      // nothing runs between the two reads: they must agree exactly
      const { snapshot } = sampleOf('sampled')
      const stats = pool.stats()
      const acquired = pool.metrics().nodes[0]!.acquireSeconds
      // the distribution is the engine's histogram, bucket for bucket
      expect(snapshot.acquireWaitDistribution.count).toBe(acquired.count)
      expect(snapshot.acquireWaitDistribution.count).toBeGreaterThan(0)
      expect(snapshot.acquireWaitDistribution.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(acquired.count)
      const p50 = snapshot.acquireWaitDistribution.p50Millis!
      const median = acquired.cumulative.findIndex((c) => c >= acquired.count / 2)
      expect(p50).toBeGreaterThanOrEqual(median === 0 ? 0 : acquired.bounds[median - 1]! * 1000)
      expect(p50).toBeLessThanOrEqual(acquired.bounds[median]! * 1000)
      expect(snapshot.totals).toEqual({
        executed: stats.queries.executed,
        errors: stats.queries.errors,
        connectionsCreated: stats.connections.created,
        connectionsRecycled: stats.connections.recycled,
        connectsFailed: stats.connections.failed,
        acquireTimeouts: stats.connections.acquireTimeouts,
      })
      expect(snapshot.connections).toEqual({
        total: stats.currentState.totalConnections,
        active: stats.currentState.activeConnections,
        idle: stats.currentState.availableConnections,
        reserved: stats.currentState.totalConnections - stats.currentState.activeConnections - stats.currentState.availableConnections,
        pendingAcquires: stats.currentState.pendingAcquires,
        pendingCreates: stats.currentState.pendingCreates,
      })
      expect(snapshot.health).toEqual(Object.entries(stats.currentState.healthScores).map(([id, score]) => ({ id, score })))
      expect(snapshot.acquireWait).toEqual({ avgMillis: stats.performance.avgAcquisitionTimeMs, p99Millis: stats.performance.p99AcquisitionTimeMs })
      expect(snapshot.statementCache).toEqual({
        size: stats.statements.size,
        hits: stats.statements.hits,
        misses: stats.statements.misses,
        evictions: stats.statements.evictions,
        hitRatio: stats.statements.hitRate,
      })
      expect(snapshot.workflows).toMatchObject({ active: stats.workflows.active, completed: stats.workflows.completed })
      expect(snapshot.workflows.learned.map((w) => w.type)).toEqual(['load'])
      expect(snapshot.utilization).toBe(stats.currentState.activeConnections / 4)
      expect(snapshot.nodes).toEqual([expect.objectContaining({ node: 'primary', role: 'primary', healthy: true, totalConnections: stats.currentState.totalConnections })])
      expect(snapshot.routing).toBeNull()
      expect(snapshot.totals.executed).toBeGreaterThan(0)
    } finally {
      await load.stop()
    }
  })

  it('has rates that count exactly the statements run between two samples', async () => {
    const pool = sqlitePool('rates')
    dashboard.add(pool)
    await pool.query('SELECT 1')
    const first = sampleOf('rates')
    for (let i = 0; i < 40; i++) await pool.query('SELECT ?', [i])
    await expect(pool.query('SELECT * FROM no_such_table')).rejects.toThrow(/no such table/)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const second = sampleOf('rates')
    const seconds = (second.at - first.at) / 1000
    expect(second.snapshot.totals.executed - first.snapshot.totals.executed).toBe(41)
    expect(second.snapshot.totals.errors - first.snapshot.totals.errors).toBe(1)
    expect(second.snapshot.rates).toEqual({
      queriesPerSecond: 41 / seconds,
      errorsPerSecond: 1 / seconds,
      errorRatio: 1 / 41,
      acquireTimeoutsPerSecond: 0,
      connectionsCreatedPerSecond: 0,
      connectionsRecycledPerSecond: 0,
      statementCacheHitRatio: expect.any(Number),
    })
  })

  it('reports connections opened and closed, with the reason, once each', async () => {
    const pool = sqlitePool('recycled', { maxLifetimeMillis: 150, housekeepingIntervalMillis: 20, min: 1, max: 1 })
    dashboard.add(pool)
    sampleOf('recycled')
    await pool.ready()
    const deadline = Date.now() + 5_000
    while (pool.stats().connections.recycled < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const { snapshot } = sampleOf('recycled')
    const stats = pool.stats()
    expect(snapshot.events.filter((e) => e.kind === 'connect')).toHaveLength(stats.connections.created)
    const removed = snapshot.events.filter((e) => e.kind === 'remove')
    expect(removed).toHaveLength(stats.connections.recycled)
    expect(removed.every((e) => e.detail === 'lifetime' && /^conn-\d+$/.test(e.connectionId ?? ''))).toBe(true)
    // taken by the page: the next frame starts afresh
    expect(sampleOf('recycled').snapshot.events.every((e) => e.seq > snapshot.events.at(-1)!.seq)).toBe(true)
  })

  it('leaves the dashboard and /metrics once closed, and can be removed and added by name', async () => {
    const pool = sqlitePool('short-lived')
    expect(dashboard.add(pool)).toBe('short-lived')
    expect(dashboard.add(pool)).toBe('short-lived') // the same pool again: no change
    expect(() => dashboard.add(sqlitePool('short-lived'))).toThrow('Sluice: invalid option name = "short-lived": another pool is already shown under this name')
    await pool.query('SELECT 1')
    expect(dashboard.pools()).toContain('short-lived')
    expect([...(await metrics()).keys()]).toContain('sluice_queries_total{pool="short-lived",node="primary"}')
    await pool.close()
    expect(dashboard.pools()).not.toContain('short-lived')
    expect(dashboard.sample().pools.map((p) => p.name)).not.toContain('short-lived')
    expect([...(await metrics()).keys()].some((key) => key.includes('"short-lived"'))).toBe(false)
    const other = sqlitePool('renamed')
    dashboard.add(other, 'shown-as')
    expect(dashboard.pools()).toContain('shown-as')
    expect(dashboard.remove('shown-as')).toBe(true)
    expect(dashboard.remove(other)).toBe(false)
  })

  it('exports the counters and gauges of stats() at /metrics, equal to the pool once it is quiet', async () => {
    const pool = sqlitePool('exported', { max: 3 })
    dashboard.add(pool)
    await pool.query('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const load = runWorkload(pool, (p) => p.query('INSERT INTO t DEFAULT VALUES'), { concurrency: 3, workflow: 'export' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await load.stop()
    const m = await metrics()
    const stats = pool.stats()
    const at = (name: string, labels = '') => m.get(`${name}{pool="exported",node="primary"${labels}}`)
    expect(at('sluice_queries_total')).toBe(stats.queries.executed)
    expect(at('sluice_query_errors_total', ',class="sql"')).toBe(0)
    expect(at('sluice_connections_created_total')).toBe(stats.connections.created)
    expect(at('sluice_connections', ',state="total"')).toBe(stats.currentState.totalConnections)
    expect(at('sluice_connections', ',state="active"')).toBe(0)
    expect(at('sluice_connections', ',state="idle"')).toBe(stats.currentState.availableConnections)
    expect(at('sluice_connections', ',state="max"')).toBe(3)
    expect(at('sluice_connections', ',state="min"')).toBe(1)
    // a fixed pool: its target is min, its ceiling max, and it never resizes
    expect(at('sluice_pool_size_target')).toBe(stats.sizing!.target)
    expect(at('sluice_pool_size_ceiling')).toBe(3)
    expect(at('sluice_pool_size_changes_total')).toBe(0)
    expect(at('sluice_statement_cache_hits_total')).toBe(stats.statements.hits)
    // the acquire histogram counts every acquire: one per statement
    expect(at('sluice_connection_acquire_seconds_count')).toBe(stats.queries.executed)
    expect(at('sluice_connection_acquire_seconds_bucket', ',le="+Inf"')).toBe(stats.queries.executed)
    expect(m.get('sluice_workflows_completed_total{pool="exported"}')).toBe(stats.workflows.completed)
    // the top statements as pool.patterns reports them, values never included
    const top = sampleOf('exported').snapshot.patterns
    expect(top[0]).toMatchObject({ fingerprint: 'INSERT INTO t DEFAULT VALUES', operation: 'INSERT', kind: 'write', tables: ['t'], errors: 0 })
    expect(top[0]!.count).toBe(pool.patterns.frequent({ limit: 1 })[0]!.count)
    expect(stats.queries.executed).toBeGreaterThan(10)
  })
})

describe('circuit breakers on the dashboard', () => {
  it("shows a node's breaker as stats() reports it, and its changes as events", async () => {
    // nothing listens on port 1: every connect is refused, a transport failure the breaker counts
    const pool = createPool({
      dialect: postgres({ connectionString: 'postgres://sluice:sluice-secret@127.0.0.1:1/sluice' }),
      name: 'breaker-refused',
      min: 0,
      max: 2,
      acquireTimeoutMillis: 500,
      createRetryInitialMillis: 10,
      breaker: { failureThreshold: 2, recoveryTimeoutMillis: 60_000 },
    })
    pools.push(pool)
    pool.on('error', () => undefined)
    dashboard.add(pool)
    const before = sampleOf('breaker-refused').snapshot
    expect(before.nodes[0]!.breaker).toMatchObject({ state: 'closed', opened: 0, rejected: 0, lastError: null })
    for (let i = 0; i < 4; i++) await pool.query('SELECT 1').catch(() => undefined)
    const stats = pool.stats().breaker!
    expect(stats.state).toBe('open')
    const { snapshot } = sampleOf('breaker-refused')
    const shown = snapshot.nodes[0]!.breaker!
    expect(shown).toMatchObject({ state: 'open', opened: stats.opened, consecutiveFailures: stats.consecutiveFailures })
    // the engine turns its monotonic clock into epoch time at each read: the same moment, to the millisecond or two
    expect(Math.abs(shown.since - stats.since)).toBeLessThanOrEqual(2)
    expect(shown.rejected).toBeGreaterThan(0)
    expect(shown.retryAfterMillis).toBeGreaterThan(0)
    expect(shown.lastError).toMatch(/ECONNREFUSED|refused/)
    const changes = snapshot.events.filter((e) => e.kind === 'breaker').map((e) => e.detail)
    expect(changes).toEqual(['primary: closed → open (consecutive-failures)'])
    expect(JSON.stringify(snapshot)).not.toContain('sluice-secret')
  })
})

describe('a pool with a replica (PostgreSQL)', () => {
  let pool: Pool

  beforeAll(async () => {
    pool = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: [postgres({ connectionString: PG_REPLICA_URL })],
      routing: { replicaCheckIntervalMillis: 100 },
      name: 'routed',
      min: 1,
      max: 3,
    })
    pools.push(pool)
    await pool.ready()
    dashboard.add(pool)
  })

  it('shows the primary and the replica as nodes, with lag, health and reads, as routingStats() says', async () => {
    for (let i = 0; i < 20; i++) await pool.query('SELECT $1::int AS n', [i])
    const first = sampleOf('routed')
    // rates need time between two samples: taken in the same millisecond, they are null
    await new Promise((resolve) => setTimeout(resolve, 5))
    const { snapshot } = sampleOf('routed')
    const routing = pool.routingStats()!
    const replica = routing.replicas[0]!
    expect(replica.reads).toBeGreaterThan(0)
    expect(snapshot.nodes.map((n) => n.node)).toEqual(['primary', 'replica-1'])
    expect(snapshot.nodes[1]).toEqual({
      node: 'replica-1',
      role: 'replica',
      database: replica.database,
      healthy: replica.healthy,
      reason: replica.reason ?? null,
      lagMillis: replica.lagMillis ?? null,
      replayStopped: false,
      totalConnections: replica.totalConnections,
      activeConnections: replica.activeConnections,
      reads: replica.reads,
      readsPerSecond: 0,
      breaker: expect.objectContaining({ state: replica.breaker!.state, opened: replica.breaker!.opened, rejected: replica.breaker!.rejected }),
    })
    expect(snapshot.nodes[1]!.healthy).toBe(true)
    expect(first.snapshot.nodes[1]!.reads).toBe(replica.reads)
    expect(snapshot.routing).toEqual({ readsToReplicas: routing.readsToReplicas, readsToPrimary: routing.readsToPrimary, writes: routing.writes, fallbacks: routing.fallbacks })

    const m = await metrics()
    const after = pool.routingStats()!
    expect(m.get('sluice_replica_in_rotation{pool="routed",node="replica-1"}')).toBe(1)
    expect(m.get('sluice_queries_total{pool="routed",node="replica-1"}')).toBe(after.replicas[0]!.reads)
    expect(m.get('sluice_replica_lag_seconds{pool="routed",node="replica-1"}')).toBeGreaterThanOrEqual(0)
    expect(m.get('sluice_routing_decisions_total{pool="routed",kind="read",target="replica"}')).toBe(after.readsToReplicas)
    expect(m.get('sluice_connections{pool="routed",node="replica-1",state="total"}')).toBe(after.replicas[0]!.totalConnections)
  })
})

describe('secrets', () => {
  it('never appear in a snapshot, an event or /metrics, even from failed connects', async () => {
    const wrongPassword = 'wrong-secret-7c1d'
    const refused = createPool({
      dialect: postgres({ connectionString: `postgres://sluice:${wrongPassword}@127.0.0.1:1/nowhere` }),
      name: 'refused',
      log: false,
      min: 0,
      max: 1,
      acquireTimeoutMillis: 500,
    })
    const denied = createPool({
      dialect: mysql({ connectionString: MYSQL_URL.replace(`:${TEST_PASSWORD}@`, `:${wrongPassword}@`) }),
      name: 'denied',
      log: false,
      min: 0,
      max: 1,
      acquireTimeoutMillis: 500,
    })
    const secretPool = createPool({ dialect: postgres({ connectionString: PG_URL }), name: 'secret', min: 1, max: 1 })
    pools.push(refused, denied, secretPool)
    for (const pool of [refused, denied, secretPool]) dashboard.add(pool)
    await secretPool.query('SELECT 1')
    await expect(refused.query('SELECT 1')).rejects.toThrow()
    await expect(denied.query('SELECT 1')).rejects.toThrow()
    // on a busy machine the acquire may give up before the first connect attempt has failed
    const deadline = Date.now() + 10_000
    while ((refused.stats().connections.failed === 0 || denied.stats().connections.failed === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const frame = dashboard.sample()
    const events = frame.pools.flatMap((p) => p.events)
    expect(events.some((e) => e.kind === 'error' && /ECONNREFUSED/.test(e.detail ?? ''))).toBe(true)
    expect(events.some((e) => e.kind === 'error' && /Access denied/.test(e.detail ?? ''))).toBe(true)
    const shown = [JSON.stringify(frame), (await get(`${dashboard.url}api/frame`)).body, (await get(dashboard.prometheusUrl)).body].join('\n')
    expect(shown).toContain('127.0.0.1:1/nowhere')
    expect(shown).not.toContain(wrongPassword)
    expect(shown).not.toContain(TEST_PASSWORD)
  })
})
