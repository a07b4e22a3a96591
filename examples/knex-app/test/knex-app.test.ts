import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MYSQL_URL, PG_URL } from '../../../packages/core/test/support/databases.js'
import { run } from '../src/app.js'

const dir = mkdtempSync(join(tmpdir(), 'knex-app-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the knex example app', () => {
  for (const [name, databaseUrl] of [['SQLite', undefined], ['PostgreSQL', PG_URL], ['MySQL', MYSQL_URL]] as const) {
    it(`places orders, refuses what stock cannot cover, and reports consistent numbers on ${name}`, async () => {
      const lines: string[] = []
      const result = await run({ databaseUrl, sqliteFile: join(dir, 'shop.db'), orders: 80, concurrency: 6, print: (line) => lines.push(line) })
      expect(result.ok).toBe(true)
      expect(result.placed + result.refused).toBe(80)
      expect(result.report.orders).toBe(result.placed)
      expect(lines.at(-1)).toBe('all checks passed')
    })
  }
})
