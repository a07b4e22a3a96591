import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MYSQL_URL, PG_URL } from '../support/databases.js'

const fixture = fileURLToPath(new URL('./fixtures/survive-restart.ts', import.meta.url))

function runFixture(kind: string, url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture, kind, url], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('a database restart never crashes the process', () => {
  for (const [kind, url] of [['postgres', PG_URL], ['mysql', MYSQL_URL]] as const) {
    it(`survives every ${kind} connection being killed at once, with no error handlers installed`, async () => {
      const { code, stdout, stderr } = await runFixture(kind, url)
      expect(stderr).not.toMatch(/Unhandled|uncaught/i)
      expect(code).toBe(0)
      expect(stdout.trim()).toBe('survived recycled=4')
      // what it logged names the lost connections and never the password
      expect(stderr).toMatch(/was lost while idle/)
      expect(stderr).not.toContain('sluice-secret')
    }, 40_000)
  }
})
