import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MYSQL_URL, PG_URL } from '../support/databases.js'

function runFixture(name: string, args: string[] = [], timeout = 20_000): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  const fixture = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture, ...args], { timeout }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, killed: error?.killed === true })
    })
  })
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('timers and the process', () => {
  it('keeps a script alive while it awaits a query on a database that is down, until the rejection reaches its catch', async () => {
    const { code, stdout, stderr } = await runFixture('query-while-down.ts', [String(await closedPort())])
    expect(stderr).toBe('')
    expect(stdout.trim().split('\n')).toEqual(['caught SLUICE_POOL_TIMEOUT', 'closed'])
    expect(code).toBe(0)
  }, 30_000)

  it('lets a script end when its pool only does background work', async () => {
    const { code, stdout } = await runFixture('idle-pool-exits.ts')
    expect(stdout.trim()).toBe('[{"one":1},{"two":2}]')
    expect(code).toBe(0)
  }, 30_000)

  for (const [kind, url] of [['postgres', PG_URL], ['mysql', MYSQL_URL]] as const) {
    it(`allowExitOnIdle: a ${kind} pool holding idle connections, never closed, lets the script end`, async () => {
      const { code, stdout, killed } = await runFixture('idle-sockets.ts', [url, 'allow'])
      expect(killed, 'the idle sockets kept the process alive').toBe(false)
      expect(JSON.parse(stdout.trim())).toEqual({ rows: [{ one: 1 }], open: 2 })
      expect(code).toBe(0)
    }, 30_000)

    it(`without allowExitOnIdle a ${kind} pool that is never closed keeps the script running`, async () => {
      const { stdout, killed } = await runFixture('idle-sockets.ts', [url, 'keep'], 6_000)
      expect(stdout.trim()).toBe('{"rows":[{"one":1}],"open":2}')
      expect(killed).toBe(true)
    }, 30_000)
  }
})
