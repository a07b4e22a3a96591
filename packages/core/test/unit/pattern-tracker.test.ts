import { describe, expect, it } from 'vitest'
import { PatternTracker } from '../../src/learning/pattern-tracker.js'
import { StatementCatalog } from '../../src/metrics/statement-catalog.js'
import { describeStatement, type StatementShape } from '../../src/sql/statement-shape.js'

const pg = 'postgres' as const
const shape = (sql: string): StatementShape => describeStatement(sql, pg)

describe('pattern tracker', () => {
  it('counts each fingerprint exactly while it has room, with errors, mean, p95 and rate', () => {
    let now = 0
    const tracker = new PatternTracker(10, () => now)
    for (let i = 0; i < 100; i++) {
      now += 10
      tracker.record(shape(`SELECT * FROM users WHERE id = ${i}`), i < 95 ? 2 : 400, false, now)
    }
    tracker.record(shape('UPDATE users SET a = 1'), 5, true, now)
    now = 2000
    const [top, second] = tracker.frequent(10)
    expect(top).toMatchObject({ fingerprint: 'SELECT * FROM users WHERE id = ?', operation: 'SELECT', tables: ['users'], kind: 'read', count: 100, countError: 0, errors: 0 })
    expect(top!.meanMillis).toBeCloseTo((95 * 2 + 5 * 400) / 100)
    // 95 of 100 took 2ms: the p95 lies in the 2.5ms bucket
    expect(top!.p95Millis).toBeGreaterThan(1)
    expect(top!.p95Millis).toBeLessThanOrEqual(2.5)
    // 100 runs from t=10 to now=2000
    expect(top!.ratePerSecond).toBeCloseTo(100 / 1.99, 1)
    expect(second).toMatchObject({ fingerprint: 'UPDATE users SET a = ?', kind: 'write', count: 1, errors: 1 })
    expect(Math.abs(top!.lastSeenAt - Date.now())).toBeLessThan(5_000)
  })

  it('stays within its capacity over a million distinct statements, and keeps the heavy hitters', () => {
    const capacity = 100
    const tracker = new PatternTracker(capacity, () => 0)
    const hot = [shape('SELECT * FROM hot_a WHERE id = $1'), shape('SELECT * FROM hot_b WHERE id = $1')]
    // shapes made directly: the tokenizer's cost is not what this test measures
    for (let i = 0; i < 1_000_000; i++) {
      tracker.record({ fingerprint: `SELECT * FROM t${i}`, operation: 'SELECT', tables: [`t${i}`], kind: 'read' }, 1, false, i)
      if (i % 10 === 0) tracker.record(hot[(i / 10) % 2]!, 1, false, i)
      if (tracker.size > capacity) throw new Error(`tracked ${tracker.size} > ${capacity}`)
    }
    expect(tracker.size).toBe(capacity)
    const top = tracker.frequent(2)
    expect(top.map((p) => p.fingerprint).sort()).toEqual(['SELECT * FROM hot_a WHERE id = ?', 'SELECT * FROM hot_b WHERE id = ?'])
    // space-saving: each count is an upper bound, and count - countError a lower bound, of the true 50 000
    for (const p of top) {
      expect(p.count).toBeGreaterThanOrEqual(50_000)
      expect(p.count - p.countError).toBeLessThanOrEqual(50_000)
    }
  }, 120_000)

  it('the catalog tokenizes a repeated statement once and bounds its cache and its table labels', () => {
    const catalog = new StatementCatalog({ capacity: 50, tableLabels: 3 }, pg, () => 0)
    const a = catalog.info('SELECT * FROM a WHERE id = $1')
    expect(catalog.info('SELECT * FROM a WHERE id = $1')).toBe(a)
    expect(a).toMatchObject({ operation: 'SELECT', table: 'a' })
    catalog.info('SELECT * FROM b')
    catalog.info('SELECT * FROM c')
    expect(catalog.info('SELECT * FROM d').table).toBe('other')
    expect(catalog.info('SELECT * FROM a WHERE id = 2').table).toBe('a')
    expect(catalog.info('SELECT 1').table).toBe('none')
    expect(catalog.info('FROBNICATE x').operation).toBe('OTHER')
    for (let i = 0; i < 10_000; i++) catalog.info(`SELECT ${i} FROM t`)
    expect(catalog.cachedStatements).toBeLessThanOrEqual(2_000)
  })
})

describe('patterns options', () => {
  it('are validated once, naming the option', async () => {
    const { resolvePatternsConfig } = await import('../../src/config/patterns-config.js')
    expect(resolvePatternsConfig(undefined)).toEqual({ capacity: 1_000, tableLabels: 20 })
    expect(resolvePatternsConfig({ capacity: 50 })).toEqual({ capacity: 50, tableLabels: 20 })
    expect(() => resolvePatternsConfig({ capacity: 0 })).toThrow('Sluice: invalid option patterns.capacity = 0: must be >= 1')
    expect(() => resolvePatternsConfig({ tableLabels: 1.5 })).toThrow('Sluice: invalid option patterns.tableLabels = 1.5: must be an integer')
    expect(() => resolvePatternsConfig({ size: 3 } as never)).toThrow('Sluice: invalid option patterns.size = 3: unknown option')
  })
})
