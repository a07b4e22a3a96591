/**
 * The seed's real-time analytics dashboard on PostgreSQL with replicas:
 *
 *   DATABASE_URL=postgres://sluice:sluice-secret@127.0.0.1:5432/sluice \
 *   REPLICA_URLS=postgres://sluice:sluice-secret@127.0.0.1:5433/sluice \
 *     pnpm --filter @sluice/example-analytics-dashboard start
 *
 * ROUNDS (default: until Ctrl-C), INTERVAL_MS (default 2000) and
 * DASHBOARD_PORT (default: a free one) change the run. The live dashboard's
 * URL is printed first. Ctrl-C ends the run after the round in flight.
 */
import { runAnalytics } from './analytics.js'

function integer(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return value
}

const interrupt = new AbortController()
process.once('SIGINT', () => {
  interrupt.abort()
  process.once('SIGINT', () => process.exit(130))
})

try {
  const primaryUrl = process.env.DATABASE_URL
  if (!primaryUrl) throw new Error('DATABASE_URL (the primary) is required; REPLICA_URLS lists the replicas, comma-separated')
  const report = await runAnalytics({
    primaryUrl,
    replicaUrls: (process.env.REPLICA_URLS ?? '').split(',').map((url) => url.trim()).filter((url) => url !== ''),
    rounds: integer('ROUNDS', 0, 0) || Number.POSITIVE_INFINITY,
    intervalMillis: integer('INTERVAL_MS', 2_000, 0),
    dashboardPort: integer('DASHBOARD_PORT', 0, 0),
    signal: interrupt.signal,
    say: console.log,
  })
  console.log(`${report.rounds.length} rounds; ${report.stats.queries.executed} statements on the primary, ${report.routing?.readsToReplicas ?? 0} reads on replicas`)
  if (interrupt.signal.aborted) process.exitCode = 130
} catch (error) {
  console.error(`analytics failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
