/**
 * The Sluice demo: many concurrent order workflows through one pool.
 *
 *   pnpm demo                                  # SQLite in a temp file, no server needed
 *   DATABASE_URL=postgres://... pnpm demo      # the same workload on PostgreSQL
 *   DATABASE_URL=mysql://... pnpm demo         # ... or MySQL / MariaDB
 *
 * ORDERS and CONCURRENCY change the size of the run.
 */
import { runDemo } from './demo.js'

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return value
}

try {
  const report = await runDemo({
    databaseUrl: process.env.DATABASE_URL,
    orders: positiveInt('ORDERS', 3_000),
    concurrency: positiveInt('CONCURRENCY', 32),
  })
  // the audit failing means the pool lost or duplicated work: make that a failed run
  if (!report.consistent || report.orders !== report.placed) process.exitCode = 1
} catch (error) {
  console.error(error instanceof Error ? `demo failed: ${error.message}` : error)
  process.exitCode = 1
}
