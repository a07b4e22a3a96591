import { describe, expect, it } from 'vitest'
import { MYSQL_URL, PG_URL } from '../../../packages/core/test/support/databases.js'
import { run } from '../src/app.js'

const databases: Record<string, string | undefined> = { sqlite: undefined, postgres: PG_URL, mysql: MYSQL_URL }

describe('the Kysely shop example', () => {
  for (const [name, databaseUrl] of Object.entries(databases)) {
    it(`runs on ${name}, refuses what it cannot deliver, and balances its books`, async () => {
      const lines: string[] = []
      const result = await run({ databaseUrl, orders: 60, print: (line) => lines.push(line) })
      expect(result.problems).toEqual([])
      expect(result.ok).toBe(true)
      expect(result.placed).toBeGreaterThan(0)
      expect(result.refused).toBeGreaterThan(0)
      expect(lines.join('\n')).toContain('audit: stock and revenue balance')
      expect(lines.join('\n')).not.toContain('sluice-secret')
    })
  }
})
