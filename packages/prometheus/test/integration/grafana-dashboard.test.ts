import { readFileSync } from 'node:fs'
import { createPool, postgres } from '@sluice/core'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { registerPoolMetrics } from '../../src/index.js'
import { PG_REPLICA_URL, PG_URL } from '../../../core/test/support/databases.js'

interface Panel {
  readonly title: string
  readonly type: string
  readonly datasource: { readonly uid: string }
  readonly targets: ReadonlyArray<{ readonly expr: string; readonly refId: string }>
}

const dashboard = JSON.parse(readFileSync(new URL('../../../../docs/grafana/sluice.json', import.meta.url), 'utf8')) as {
  readonly uid: string
  readonly panels: readonly Panel[]
  readonly templating: { readonly list: ReadonlyArray<{ readonly name: string }> }
}
const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr))

describe('docs/grafana/sluice.json', () => {
  it('is a dashboard whose panels all query Prometheus through its variables', () => {
    expect(dashboard.uid).toBe('sluice-pools')
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'pool'])
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(15)
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe('${datasource}')
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const { expr } of panel.targets) {
        expect(expr, panel.title).toContain('pool=~"$pool"')
        // brackets balance: no PromQL cut short
        for (const [open, close] of ['()', '{}', '[]']) expect(expr.split(open!).length, `${panel.title}: ${expr}`).toBe(expr.split(close!).length)
      }
    }
  })

  it('uses only metric names a scrape really exports', async () => {
    const registry = new Registry()
    const pool = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: [postgres({ connectionString: PG_REPLICA_URL })],
      name: 'grafana',
      min: 1,
      max: 2,
      log: false,
    })
    registerPoolMetrics(pool, { registry })
    try {
      await pool.ready()
      await pool.query('SELECT 1')
      const text = await registry.metrics()
      const exported = new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.slice(0, line.search(/[{ ]/))))
      const used = new Set(expressions.flatMap((expr) => expr.match(/\bsluice_[a-z_]+/g) ?? []))
      expect(used.size).toBeGreaterThanOrEqual(20)
      for (const name of used) expect(exported, `${name} is used in the dashboard`).toContain(name)
    } finally {
      await pool.close()
    }
  })
})
