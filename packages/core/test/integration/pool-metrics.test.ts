import { describe, expect, it } from 'vitest'
import type { HistogramSnapshot } from '../../src/metrics/histogram.js'
import { createPool } from '../../src/pool.js'
import { TEST_PASSWORD } from '../support/databases.js'
import { selectedTargets } from '../support/targets.js'

/** Cumulative counts never fall, never exceed the total, and the sum is that of real durations. */
function expectPlausible(h: HistogramSnapshot, count: number): void {
  expect(h.count).toBe(count)
  for (let i = 1; i < h.cumulative.length; i++) expect(h.cumulative[i]).toBeGreaterThanOrEqual(h.cumulative[i - 1]!)
  expect(h.cumulative.at(-1)!).toBeLessThanOrEqual(h.count)
  expect(h.sum).toBeGreaterThanOrEqual(0)
  if (count > 0) expect(h.sum / count).toBeLessThan(30)
}

describe.each(selectedTargets().filter((t) => t.name !== 'sqlite'))('$name: pool.metrics() and pool.patterns under a real workload', (target) => {
  it('counts exactly what the test did, and agrees with stats()', async () => {
    const p = target.p
    const table = `metrics_items_${target.name}`
    // one acquire per pool.query() is what is counted here: with implicit pipelining (the PostgreSQL default)
    // the concurrent INSERTs would join busy connections instead, a number that depends on timing
    const pool = createPool({ dialect: target.dialect(), name: `metrics-${target.name}`, min: 1, max: 3, implicitPipelining: false, log: false })
    try {
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(40))`)
      const inserts = 30
      const selects = 45
      await Promise.all(Array.from({ length: inserts }, (_, i) => pool.query(`INSERT INTO ${table} (id, name) VALUES (${p(1)}, ${p(2)})`, [i, `item ${i}`])))
      // the same statement with inlined literals and with parameters: one fingerprint
      for (let i = 0; i < selects; i++) {
        if (i % 3 === 0) await pool.query(`select name from ${table} where id = ${i}`)
        else await pool.query(`SELECT name FROM ${table} WHERE id = ${p(1)}`, [i])
      }
      let sqlErrors = 0
      for (let i = 0; i < 4; i++) await pool.query('SELECT * FROM metrics_no_such_table').catch(() => sqlErrors++)
      let timeouts = 0
      await pool.query(target.sleepSql!(2), undefined, { timeoutMillis: 100 }).catch(() => timeouts++)
      // a borrowed connection held a while: the usage histogram sees it
      const held = await pool.acquire()
      await held.query('SELECT 1')
      await new Promise((resolve) => setTimeout(resolve, 30))
      held.release()
      await pool.query(`DROP TABLE ${table}`)

      const statements = 2 + inserts + selects + 4 + 1 + 1 + 1
      const acquires = statements // one per pool.query(), and the one acquire() that ran SELECT 1
      const stats = pool.stats()
      const metrics = pool.metrics()
      const node = metrics.nodes[0]!
      expect(metrics.nodes).toHaveLength(1)
      expect(node).toMatchObject({ node: `metrics-${target.name}`, role: 'primary' })
      expect(node.queries).toBe(statements)
      expect(stats.queries.executed).toBe(statements)
      expect(node.queryErrors).toEqual({ sql: 4, transport: 0, timeout: 1, breaker_open: 0 })
      expect(sqlErrors + timeouts).toBe(5)
      expect(stats.queries.errors).toBe(5)

      const durations = (operation: string, name: string) => node.queryDurations.find((d) => d.operation === operation && d.table === name)?.seconds
      expectPlausible(durations('INSERT', table)!, inserts)
      expectPlausible(durations('SELECT', table)!, selects)
      expect(durations('SELECT', 'metrics_no_such_table')!.count).toBe(4)
      expect(durations('CREATE', table)!.count).toBe(1)
      expect(durations('DROP', table)!.count).toBe(2)
      // the sleep counted with the time it took until its timeout
      expect(durations('SELECT', 'none')!.count).toBe(2)
      expect(node.queryDurations.reduce((n, d) => n + d.seconds.count, 0)).toBe(statements)

      // the pool may open its connection while borrowers wait, so the acquire histogram counts every acquire, waited or not
      expectPlausible(node.acquireSeconds, acquires)
      expectPlausible(node.usageSeconds, acquires)
      expect(node.usageSeconds.sum).toBeGreaterThanOrEqual(0.025)
      expect(node.connectionsCreated).toBe(stats.connections.created)
      expectPlausible(node.creationSeconds, stats.connections.created)
      // the timed-out connection was cancelled or closed; never more than max open
      expect(node.connections.total).toBeLessThanOrEqual(3)
      expect(node.connections).toMatchObject({ min: 1, max: 3, active: 0, pending: 0 })
      expect(node.healthScores).toHaveLength(node.connections.total)
      expect(Object.values(node.connectionsClosed).reduce((a, b) => a + b, 0)).toBe(stats.connections.recycled)
      expect(node.breaker?.state).toBe('closed')

      const [top] = pool.patterns.frequent({ limit: 3 })
      expect(top).toMatchObject({ fingerprint: `SELECT name FROM ${table} WHERE id = ?`, operation: 'SELECT', tables: [table], kind: 'read', count: selects, countError: 0, errors: 0 })
      const insert = pool.patterns.frequent({ limit: 10 }).find((f) => f.operation === 'INSERT')
      expect(insert).toMatchObject({ fingerprint: `INSERT INTO ${table} (id, name) VALUES (...)`, count: inserts, kind: 'write' })
      expect(insert!.p95Millis).toBeGreaterThan(0)
      expect(pool.patterns.frequent({ limit: 100 }).find((f) => f.tables.includes('metrics_no_such_table'))?.errors).toBe(4)
      // no parameter values and no secrets in what the pool tells
      const told = JSON.stringify([metrics, pool.patterns.frequent({ limit: 100 })])
      expect(told).not.toContain('item 7')
      expect(told).not.toContain(TEST_PASSWORD)
    } finally {
      await pool.close()
    }
  })

  it('refuses a bad limit with an error that names it', () => {
    const pool = createPool({ dialect: target.dialect(), log: false })
    expect(() => pool.patterns.frequent({ limit: -1 })).toThrow('patterns.frequent(): limit must be an integer >= 0, got -1')
    void pool.close()
  })
})
