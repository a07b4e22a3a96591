import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { PrivateServer } from './support/private-server.js'
import { reportOf, runChild } from './support/run-child.js'

/**
 * A database restart (and a crash) under a 150-worker insert load with
 * idempotent inserts, in a child process with no error handlers: no crash,
 * no acknowledged write lost, no key written twice, and the pool serving
 * again by itself once the server is back.
 */
const fixture = fileURLToPath(new URL('./fixtures/restart-under-load.ts', import.meta.url))
const WORKERS = 150

interface Report {
  acknowledged: number
  acknowledgedAfterFaults: number
  phases: Array<{ fault: string; acknowledgedAtFault: number; outageMillis: number; servingAgainMillis: number | null }>
  lost: string[]
  duplicates: string[]
  unacknowledged: number
  failedAttempts: number
  failuresByCode: Record<string, number>
  connections: Record<string, number>
  secretShown: number
}

// private servers: these tests stop and kill them (ports reserved for this suite)
const SERVERS = [new PrivateServer('postgres', 5450), new PrivateServer('mysql', 3350)]

describe('a server restarted under an insert load', () => {
  beforeAll(() => Promise.all(SERVERS.map((server) => server.start())), 60_000)
  afterAll(() => Promise.all(SERVERS.map((server) => server.stop())), 60_000)

  // the two servers are independent: their (mostly waiting) runs overlap
  it.concurrent.for(SERVERS)('$kind: stopped and started, then killed (SIGKILL) and started: no write lost or doubled, serving again each time', { timeout: 100_000 }, async (server, { expect }) => {
    const outcome = await runChild(fixture, [server.kind, String(server.port), 'restart,crash', String(WORKERS)], 90_000)
    expect(outcome.timedOut, `the workload hung:\n${outcome.stdout}\n${outcome.stderr}`).toBe(false)
    expect(outcome.stderr).not.toMatch(/unhandled|uncaught/i)
    expect(outcome.code, outcome.stderr).toBe(0)
    const report = reportOf<Report>(outcome)
    console.log(`${server.kind}: ${JSON.stringify(report)}`)
    expect(report.lost, 'acknowledged keys missing after the restarts').toEqual([])
    expect(report.duplicates, 'keys written twice').toEqual([])
    expect(report.phases.map((phase) => phase.fault)).toEqual(['restart', 'crash'])
    for (const phase of report.phases) {
      expect(phase.servingAgainMillis, `no insert acknowledged after the ${phase.fault}`).not.toBeNull()
    }
    expect(report.acknowledged).toBeGreaterThan(report.acknowledgedAfterFaults)
    expect(report.secretShown).toBe(0)
  })
})
