import { describe, expect, it } from 'vitest'
import { runDemo } from '../src/demo.js'

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
