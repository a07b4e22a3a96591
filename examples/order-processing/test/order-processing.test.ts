import { describe, expect, it } from 'vitest'
import { runDemo } from '../src/demo.js'
import { demoDashboard } from '../src/demo-dashboard.js'

const SERVERS = {
  sqlite: undefined,
  postgres: 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice',
  mysql: 'mysql://sluice:sluice-secret@127.0.0.1:3306/sluice',
}

describe('the README demo', () => {
  for (const [name, databaseUrl] of Object.entries(SERVERS)) {
    it(`places orders concurrently without losing a unit on ${name}`, async () => {
      const report = await runDemo({ databaseUrl, orders: 300, concurrency: 16, quiet: true })
      expect(report.placed + report.outOfStock).toBe(300)
      expect(report.orders).toBe(report.placed)
      expect(report.consistent).toBe(true)
      expect(report.stats.queries.errors).toBe(0)
      expect(report.stats.workflows.completed).toBe(301) // 300 orders and the dashboard
      expect(report.stats.currentState.totalConnections).toBe(0) // closed
    }, 60_000)
  }
})

describe('the demo with --dashboard', () => {
  it('prints the dashboard URL first, shows the pool on it while it runs, and closes it at the end', async () => {
    const lines: string[] = []
    const dashboard = demoDashboard({ keepOpenSeconds: 0, say: (line) => lines.push(line) })
    let url = ''
    let shown: { name: string; executed: number } | undefined
    let scraped = ''
    const executed = { before: 0, after: 0 }
    await runDemo({
      orders: 200,
      concurrency: 8,
      quiet: true,
      hooks: {
        opened: dashboard.opened,
        async finished(pool) {
          url = dashboard.dashboard()!.url
          // the page shows the latest sample: on a fast machine the whole run
          // fits before the first tick after the opening one, so wait for a tick
          for (let tries = 0; tries < 50 && !(shown && shown.executed > 0); tries++) {
            if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100))
            const frame = (await (await fetch(`${url}api/frame`)).json()) as { pools: Array<{ name: string; totals: { executed: number } }> }
            shown = frame.pools.map((p) => ({ name: p.name, executed: p.totals.executed }))[0]
          }
          executed.before = pool.stats().queries.executed
          scraped = await (await fetch(dashboard.dashboard()!.prometheusUrl)).text()
          executed.after = pool.stats().queries.executed
          await dashboard.finished!(pool)
        },
      },
    })
    expect(lines[0]).toBe(`dashboard: ${url}  (Prometheus: ${url}metrics)`)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(shown?.name).toBe('demo')
    expect(shown!.executed).toBeGreaterThan(0)
    expect(shown!.executed).toBeLessThanOrEqual(executed.before)
    const total = Number(/^sluice_queries_total\{pool="demo",node="primary"\} (\d+)$/m.exec(scraped)?.[1])
    expect(total).toBeGreaterThanOrEqual(executed.before)
    expect(total).toBeLessThanOrEqual(executed.after)
    await expect(fetch(url)).rejects.toThrow()
  }, 60_000)
})
