import { createPool, postgres, type Pool, type RoutingStats } from '@sluice/core'
import { startDashboard, type Dashboard } from '@sluice/dashboard'
import { refresh, type DashboardRound } from './queries.js'
import { createAnalyticsSchema, recordActivity } from './schema.js'

export interface AnalyticsOptions {
  readonly primaryUrl: string
  /** Where the reads go; with none, everything runs on the primary. */
  readonly replicaUrls: readonly string[]
  /** Refreshes to run; Infinity until the signal. */
  readonly rounds: number
  readonly intervalMillis: number
  readonly signal?: AbortSignal
  /** The live dashboard's port (0: a free one). */
  readonly dashboardPort?: number
  readonly say?: (line: string) => void
  /** Called after each round, with the dashboard still open (tests look at it here). */
  readonly onRound?: (round: DashboardRound, pool: Pool, dashboard: Dashboard) => Promise<void>
}

export interface AnalyticsReport {
  readonly rounds: readonly DashboardRound[]
  readonly routing: RoutingStats | undefined
  readonly stats: ReturnType<Pool['stats']>
  readonly dashboardUrl: string
}

/**
 * The seed's real-time analytics dashboard: one pool with the primary and
 * its replicas, the live dashboard open on it, the history written once on
 * the primary, then on a schedule a little new activity written (primary)
 * and the four aggregates read at once (replicas).
 */
export async function runAnalytics(options: AnalyticsOptions): Promise<AnalyticsReport> {
  const say = options.say ?? (() => {})
  const pool = createPool({
    dialect: postgres({ connectionString: options.primaryUrl }),
    replicas: options.replicaUrls.map((connectionString) => postgres({ connectionString })),
    name: 'analytics',
    min: 2,
    max: 8,
    // the seed's pool for a critical dashboard checks more often
    healthCheckIntervalMillis: 15_000,
    routing: { strategy: 'least-busy', maxReplicaLagMillis: 5_000 },
  })
  let dashboard: Dashboard | undefined
  const rounds: DashboardRound[] = []
  try {
    dashboard = await startDashboard({ pools: [pool], port: options.dashboardPort ?? 0, refreshIntervalMillis: 250 })
    say(`dashboard: ${dashboard.url}  (Prometheus: ${dashboard.prometheusUrl})`)
    await pool.ready()
    await createAnalyticsSchema(pool)
    await replicasCaughtUp(pool)
    for (let round = 1; round <= options.rounds && !options.signal?.aborted; round++) {
      const started = performance.now()
      await recordActivity(pool, [round * 7, round * 11, round * 13])
      const result = await refresh(pool, round)
      rounds.push(result)
      say(describe(result, pool.routingStats()))
      await options.onRound?.(result, pool, dashboard)
      if (round < options.rounds) await pause(options.intervalMillis - (performance.now() - started), options.signal)
    }
    return { rounds, routing: pool.routingStats(), stats: pool.stats(), dashboardUrl: dashboard.url }
  } finally {
    await dashboard?.close()
    await pool.close({ timeoutMillis: 5_000 })
  }
}

/** Reads go to replicas: wait until they show the history just written (streaming replication is quick, not instant). */
async function replicasCaughtUp(pool: Pool): Promise<void> {
  const written = await pool.transaction((tx) => tx.query<{ n: string }>('SELECT COUNT(*) AS n FROM analytics_api_requests', [], { fetch: 'one' }))
  const deadline = Date.now() + 15_000
  for (;;) {
    // outside a transaction this read is routed, to a replica when one is in rotation
    const seen = await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM analytics_api_requests', [], { fetch: 'one' }).catch(() => undefined)
    if (seen && seen.n === written?.n) return
    if (Date.now() > deadline) throw new Error('the replicas did not show the analytics tables within 15 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function describe(round: DashboardRound, routing: RoutingStats | undefined): string {
  const top = round.topProducts.slice(0, 3).map((p) => `${p.product} (${p.unitsSold})`).join(', ')
  const reads = routing ? ` | reads: ${routing.readsToReplicas} on replicas, ${routing.readsToPrimary} on the primary` : ''
  return (
    `round ${round.round}: active users ${round.activeUsers} | revenue today ${round.revenueToday.toFixed(2)}` +
    ` | error rate ${(round.errorRate * 100).toFixed(1)}% | top ${top} | ${round.millis.toFixed(1)} ms${reads}`
  )
}

function pause(millis: number, signal: AbortSignal | undefined): Promise<void> {
  if (millis <= 0 || signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, millis)
    signal?.addEventListener('abort', done, { once: true })
  })
}
