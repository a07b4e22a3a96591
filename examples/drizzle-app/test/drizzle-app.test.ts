/**
 * The example app end to end, so that CI notices when the adapter (or the
 * engine under it) stops serving a realistic Drizzle app correctly.
 */
import { describe, expect, it } from 'vitest'
import { PG_URL } from '../../../packages/core/test/support/databases.js'
import { run } from '../src/main.js'

describe('drizzle example app', () => {
  for (const [database, databaseUrl] of [['sqlite', undefined], ['postgres', PG_URL]] as const) {
    it(`places concurrent orders without losing or double-selling stock on ${database}`, async () => {
      const lines: string[] = []
      const report = await run({ databaseUrl, orders: 40, print: (line) => lines.push(line) })
      expect(report.problems).toEqual([])
      expect(report.consistent).toBe(true)
      expect(report.database).toBe(database)
      expect(report.placed).toBeGreaterThan(0)
      // the sample orders ask for more than the catalog holds, and some customers are declined
      expect(report.rejected).toBeGreaterThan(0)
      expect(report.placed + report.rejected).toBe(40)
      expect(lines.at(-1)).toBe('audit: consistent')
    })
  }
})
