import { describe, expect, it } from 'vitest'
import { runAnalytics } from '../src/analytics.js'
import { lockReplicasForFile } from '../../../packages/core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres')

const PRIMARY_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice'
const REPLICA_URL = process.env.SLUICE_TEST_PG_REPLICA_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5433/sluice'

interface Frame {
  pools: Array<{ name: string; totals: { executed: number } }>
}

describe('the analytics dashboard example (PostgreSQL primary and streaming replica)', () => {
  it('runs rounds of concurrent aggregates on the replica, with the live dashboard answering', async () => {
    const lines: string[] = []
    const frames: Frame[] = []
    let metrics = ''
    const report = await runAnalytics({
      primaryUrl: PRIMARY_URL,
      replicaUrls: [REPLICA_URL],
      rounds: 3,
      intervalMillis: 200,
      say: (line) => lines.push(line),
      async onRound(_round, _pool, dashboard) {
        frames.push((await (await fetch(`${dashboard.url}api/frame`)).json()) as Frame)
        metrics = await (await fetch(dashboard.prometheusUrl)).text()
      },
    })

    expect(lines[0]).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/ {2}\(Prometheus: http:\/\/127\.0\.0\.1:\d+\/metrics\)$/)
    expect(report.rounds.map((r) => r.round)).toEqual([1, 2, 3])
    for (const round of report.rounds) {
      expect(round.activeUsers).toBeGreaterThan(0)
      expect(round.revenueToday).toBeGreaterThan(0)
      expect(round.topProducts).toHaveLength(10)
      expect(round.errorRate).toBeGreaterThan(0)
      expect(round.errorRate).toBeLessThan(0.1)
    }
    // the round's writes land on the primary, its reads on the replica
    const routing = report.routing!
    expect(routing.replicas).toHaveLength(1)
    expect(routing.replicas[0]!.reads).toBeGreaterThanOrEqual(3 * 4)
    expect(routing.readsToReplicas).toBeGreaterThanOrEqual(3 * 4)
    expect(routing.writes).toBeGreaterThan(0)
    expect(lines.filter((line) => line.startsWith('round '))).toHaveLength(3)
    // the dashboard served the pool while it ran, and /metrics counted the replica's reads
    expect(frames).toHaveLength(3)
    expect(frames.at(-1)!.pools.map((p) => p.name)).toEqual(['analytics'])
    expect(metrics).toMatch(/^sluice_\w+\{pool="analytics",node="[^"]*replica[^"]*"\} \d/m)
  }, 60_000)
})
