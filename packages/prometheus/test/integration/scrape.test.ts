import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createPool, mysql, postgres, type Pool } from '@sluice/core'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerPoolMetrics } from '../../src/index.js'
import { MYSQL_URL, PG_REPLICA_URL, PG_URL, TEST_PASSWORD } from '../../../core/test/support/databases.js'
import { until } from '../../../core/test/support/promises.js'
import { parseMetrics, bucketsOf } from '../support/metrics-text.js'

const run = promisify(execFile)
const privatePg = fileURLToPath(new URL('../../../../test/services/private-pg.sh', import.meta.url))
const PRIVATE_PORT = Number(process.env.SLUICE_TEST_PRIVATE_PG_PORT ?? 5461)

const TARGETS = [
  { name: 'postgres', dialect: () => postgres({ connectionString: PG_URL }), p: (n: number) => `$${n}` },
  { name: 'mysql', dialect: () => mysql({ connectionString: MYSQL_URL }), p: () => '?' },
] as const

describe.each(TARGETS)('$name: a scrape under a real workload', (target) => {
  it('exports exactly what the pool counted, equal to stats()', async () => {
    const registry = new Registry()
    const name = `prom-${target.name}`
    // one acquire per pool.query() is what the histograms are checked against: with implicit pipelining (the
    // PostgreSQL default) the concurrent statements would join busy connections instead, a number that depends on timing
    const pool = createPool({ dialect: target.dialect(), name, min: 1, max: 4, implicitPipelining: false, log: false })
    registerPoolMetrics(pool, { registry })
    const table = `prom_items_${target.name}`
    const p = target.p
    try {
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(40))`)
      await Promise.all(Array.from({ length: 40 }, (_, i) => pool.query(`INSERT INTO ${table} (id, name) VALUES (${p(1)}, ${p(2)})`, [i, `item ${i}`])))
      await Promise.all(Array.from({ length: 60 }, (_, i) => pool.query(`SELECT name FROM ${table} WHERE id = ${p(1)}`, [i % 40])))
      for (let i = 0; i < 3; i++) await pool.query(`SELECT nope FROM ${table}`).catch(() => undefined)
      await pool.query(`DROP TABLE ${table}`)

      const m = parseMetrics(await registry.metrics())
      const stats = pool.stats()
      const at = (metric: string, labels = '') => m.get(`sluice_${metric}{pool="${name}",node="primary"${labels}}`)
      expect(at('queries_total')).toBe(106)
      expect(at('queries_total')).toBe(stats.queries.executed)
      expect(at('query_errors_total', ',class="sql"')).toBe(3)
      expect(at('query_errors_total', ',class="transport"')).toBe(0)
      expect(at('connections_created_total')).toBe(stats.connections.created)
      expect(at('connections', ',state="total"')).toBe(stats.currentState.totalConnections)
      expect(at('connections', ',state="active"')).toBe(0)
      expect(at('connections', ',state="idle"')).toBe(stats.currentState.availableConnections)
      expect(at('connections', ',state="max"')).toBe(4)
      expect(at('connections', ',state="min"')).toBe(1)
      expect(at('connection_timeouts_total')).toBe(0)
      expect(at('circuit_breaker_state', ',state="closed"')).toBe(1)
      expect(at('circuit_breaker_state', ',state="open"')).toBe(0)
      expect(at('statement_cache_hits_total')).toBe(stats.statements.hits)
      expect(at('statement_cache_misses_total')).toBe(stats.statements.misses)

      // histograms: cumulative buckets, +Inf equal to _count, counts equal to what ran
      const selects = bucketsOf(m, 'sluice_query_duration_seconds', `pool="${name}",node="primary",operation="SELECT",table="${table}"`)
      expect(selects.count).toBe(63)
      expect(selects.inf).toBe(63)
      expect(selects.cumulative.every((v, i) => i === 0 || v >= selects.cumulative[i - 1]!)).toBe(true)
      expect(selects.sum).toBeGreaterThan(0)
      // every statement took less than 10 seconds
      expect(selects.at(10)).toBe(63)
      expect(bucketsOf(m, 'sluice_query_duration_seconds', `pool="${name}",node="primary",operation="INSERT",table="${table}"`).count).toBe(40)
      const acquire = bucketsOf(m, 'sluice_connection_acquire_seconds', `pool="${name}",node="primary"`)
      expect(acquire.count).toBe(106)
      // 100 borrowers at once on 4 connections: some waited, all within the 30 s timeout
      expect(acquire.at(30)).toBe(106)
      expect(bucketsOf(m, 'sluice_connection_usage_seconds', `pool="${name}",node="primary"`).count).toBe(106)
      expect(bucketsOf(m, 'sluice_connection_creation_seconds', `pool="${name}",node="primary"`).count).toBe(stats.connections.created)
      expect(m.get(`sluice_workflows_active{pool="${name}"}`)).toBe(0)

      const text = await registry.metrics()
      expect(text).not.toContain(TEST_PASSWORD)
      expect(text).not.toContain('item 1')
    } finally {
      await pool.close()
    }
    // a closed pool's series leave at the next scrape
    expect(await registry.metrics()).not.toContain(`pool="${name}"`)
  })
})

describe('pools on one registry', () => {
  it('share the metric names, refuse a second pool under the same label, and leave the registry when unregistered', async () => {
    const registry = new Registry()
    const a = createPool({ dialect: postgres({ connectionString: PG_URL }), name: 'reg-a', min: 0, max: 1, log: false })
    const b = createPool({ dialect: postgres({ connectionString: PG_URL }), name: 'reg-b', min: 0, max: 1, log: false })
    try {
      const ra = registerPoolMetrics(a, { registry })
      const rb = registerPoolMetrics(b, { registry })
      expect(() => registerPoolMetrics(createPool({ dialect: postgres({ connectionString: PG_URL }), name: 'reg-a', log: false }), { registry })).toThrow(
        'registerPoolMetrics(): pool would be labelled pool="reg-a" like a pool already registered here: give each pool its own name (or label)',
      )
      expect(() => registerPoolMetrics(a, { registry, prefix: 'bad prefix' })).toThrow('registerPoolMetrics(): options.prefix must be a metric name prefix')
      await a.query('SELECT 1')
      await b.query('SELECT 1')
      await b.query('SELECT 2')
      const m = parseMetrics(await registry.metrics())
      expect(m.get('sluice_queries_total{pool="reg-a",node="primary"}')).toBe(1)
      expect(m.get('sluice_queries_total{pool="reg-b",node="primary"}')).toBe(2)
      ra.unregister()
      expect(await registry.metrics()).not.toContain('pool="reg-a"')
      rb.unregister()
      expect(registry.getMetricsAsArray()).toHaveLength(0)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})

describe('a pool with the PostgreSQL streaming replica', () => {
  let pool: Pool
  const registry = new Registry()

  beforeAll(async () => {
    pool = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: [postgres({ connectionString: PG_REPLICA_URL })],
      // one check, at start: the lag the scrape reports is the one routingStats() reports
      routing: { replicaCheckIntervalMillis: 600_000 },
      name: 'prom-routed',
      min: 1,
      max: 3,
      log: false,
    })
    registerPoolMetrics(pool, { registry })
    await pool.ready()
  })
  afterAll(() => pool.close())

  it('exports the replica lag, the routing decisions and the replica as a node of its own', async () => {
    for (let i = 0; i < 12; i++) await pool.query('SELECT $1::int AS n', [i])
    await pool.query('CREATE TEMP TABLE IF NOT EXISTS prom_t (id int)').catch(() => undefined)
    const m = parseMetrics(await registry.metrics())
    const routing = pool.routingStats()!
    const replica = routing.replicas[0]!
    expect(replica.healthy).toBe(true)
    expect(replica.lagMillis).toBeDefined()
    expect(m.get('sluice_replica_lag_seconds{pool="prom-routed",node="replica-1"}')).toBeCloseTo(replica.lagMillis! / 1000, 9)
    expect(m.get('sluice_replica_in_rotation{pool="prom-routed",node="replica-1"}')).toBe(1)
    expect(m.get('sluice_routing_decisions_total{pool="prom-routed",kind="read",target="replica"}')).toBe(routing.readsToReplicas)
    expect(routing.readsToReplicas).toBe(12)
    expect(m.get('sluice_routing_decisions_total{pool="prom-routed",kind="write",target="primary"}')).toBe(routing.writes)
    expect(m.get('sluice_queries_total{pool="prom-routed",node="replica-1"}')).toBe(12)
    expect(m.get('sluice_connections{pool="prom-routed",node="replica-1",state="total"}')).toBe(replica.totalConnections)
    expect(bucketsOf(m, 'sluice_query_duration_seconds', 'pool="prom-routed",node="replica-1",operation="SELECT",table="none"').count).toBe(12)
  })
})

describe('circuit breaker transitions (a private PostgreSQL server stopped and started)', () => {
  const url = `postgres://sluice:${TEST_PASSWORD}@127.0.0.1:${PRIVATE_PORT}/sluice`

  beforeAll(async () => {
    await run('bash', [privatePg, 'start', String(PRIVATE_PORT)])
  }, 120_000)
  afterAll(async () => {
    await run('bash', [privatePg, 'stop', String(PRIVATE_PORT)])
  }, 60_000)

  it('counts the breaker opening, probing and closing, as stats() does', async () => {
    const registry = new Registry()
    const pool = createPool({
      dialect: postgres({ connectionString: url }),
      name: 'prom-breaker',
      min: 1,
      max: 2,
      acquireTimeoutMillis: 1_000,
      createRetryMaxMillis: 200,
      breaker: { failureThreshold: 2, recoveryTimeoutMillis: 500 },
      log: false,
    })
    registerPoolMetrics(pool, { registry })
    try {
      await pool.ready()
      await pool.query('SELECT 1')
      await run('bash', [privatePg, 'stop', String(PRIVATE_PORT)])
      await until(
        async () => {
          await pool.query('SELECT 1').catch(() => undefined)
          return pool.stats().breaker!.state === 'open'
        },
        'the breaker to open',
        20_000,
      )
      const open = parseMetrics(await registry.metrics())
      expect(open.get('sluice_circuit_breaker_state{pool="prom-breaker",node="primary",state="open"}')).toBe(1)
      expect(open.get('sluice_circuit_breaker_transitions_total{pool="prom-breaker",node="primary",to="open"}')).toBeGreaterThanOrEqual(1)
      await pool.query('SELECT 1').catch(() => undefined)
      await run('bash', [privatePg, 'start', String(PRIVATE_PORT)])
      await until(
        async () => {
          await pool.query('SELECT 1').catch(() => undefined)
          return pool.stats().breaker!.state === 'closed'
        },
        'the breaker to close',
        30_000,
      )
      const m = parseMetrics(await registry.metrics())
      const breaker = pool.stats().breaker!
      const transitions = (to: string) => m.get(`sluice_circuit_breaker_transitions_total{pool="prom-breaker",node="primary",to="${to}"}`)
      expect(transitions('open')).toBe(breaker.opened)
      expect(transitions('half-open')).toBe(breaker.halfOpened)
      expect(transitions('closed')).toBe(breaker.closed)
      expect(breaker.closed).toBeGreaterThanOrEqual(1)
      expect(m.get('sluice_circuit_breaker_state{pool="prom-breaker",node="primary",state="closed"}')).toBe(1)
      // calls refused while open
      expect(m.get('sluice_query_errors_total{pool="prom-breaker",node="primary",class="breaker_open"}')).toBe(breaker.rejected)
      expect(breaker.rejected).toBeGreaterThanOrEqual(1)
      // the stopped server ended the idle connections (broken) and refused new ones (failed connects)
      const failed = [...m].filter(([key]) => key.startsWith('sluice_connections_failed_total{pool="prom-breaker",node="primary"')).reduce((n, [, v]) => n + v, 0)
      expect(failed).toBe(pool.stats().connections.failed)
      expect(failed).toBeGreaterThanOrEqual(1)
      expect(m.get('sluice_connections_closed_total{pool="prom-breaker",node="primary",reason="broken"}')).toBeGreaterThanOrEqual(1)
    } finally {
      await pool.close()
    }
  }, 90_000)
})
