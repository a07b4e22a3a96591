/**
 * The Sluice demo: many concurrent order workflows through one pool.
 *
 *   pnpm demo                                  # SQLite in a temp file, no server needed
 *   DATABASE_URL=postgres://... pnpm demo      # the same workload on PostgreSQL
 *   DATABASE_URL=mysql://... pnpm demo         # ... or MySQL / MariaDB
 *   pnpm demo --dashboard                      # with the live dashboard (its URL is printed)
 *   pnpm demo --dashboard --keep-open 60       # ... kept up 60 s after the run
 *
 * ORDERS and CONCURRENCY change the size of the run. SLUICE_DASHBOARD=1,
 * SLUICE_DASHBOARD_KEEP_OPEN=<seconds> and SLUICE_DASHBOARD_PORT=<port> do
 * what the flags do.
 */
import { runDemo } from './demo.js'
import { demoDashboard } from './demo-dashboard.js'

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return value
}

/** The value after `--flag` (`--flag 60` or `--flag=60`). */
function flagValue(flag: string): string | undefined {
  const args = process.argv.slice(2)
  const inline = args.find((arg) => arg.startsWith(`${flag}=`))
  if (inline) return inline.slice(flag.length + 1)
  const at = args.indexOf(flag)
  return at === -1 ? undefined : args[at + 1]
}

// Ctrl-C: finish the orders in flight, print the partial summary, exit 130
// (128 + SIGINT, as a shell reports it); a second Ctrl-C stops at once
const interrupt = new AbortController()
process.once('SIGINT', () => {
  interrupt.abort()
  process.once('SIGINT', () => process.exit(130))
})

try {
  const withDashboard = process.argv.includes('--dashboard') || process.env.SLUICE_DASHBOARD === '1'
  const report = await runDemo({
    databaseUrl: process.env.DATABASE_URL,
    orders: integer('ORDERS', process.env.ORDERS, 3_000, 1),
    concurrency: integer('CONCURRENCY', process.env.CONCURRENCY, 32, 1),
    hooks: withDashboard
      ? demoDashboard({
          keepOpenSeconds: integer('--keep-open', flagValue('--keep-open') ?? process.env.SLUICE_DASHBOARD_KEEP_OPEN, 0, 0),
          port: integer('SLUICE_DASHBOARD_PORT', process.env.SLUICE_DASHBOARD_PORT, 0, 0),
        })
      : {},
    signal: interrupt.signal,
  })
  // the audit failing means the pool lost or duplicated work: make that a failed run
  if (!report.consistent || report.orders !== report.placed) process.exitCode = 1
  else if (report.interrupted) process.exitCode = 130
} catch (error) {
  console.error(error instanceof Error ? `demo failed: ${error.message}` : error)
  process.exitCode = 1
}
