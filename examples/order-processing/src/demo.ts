/**
 * The demo's workload: many concurrent order workflows, and a dashboard
 * reading totals, through one pool; then a summary and a stock audit.
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool, dialectFromUrl, sqlite, type Pool } from '@sluice/core'
import { createSchema } from './schema.js'
import { audit, orderRequests, placeOrder, type OrderOutcome } from './workload.js'
import { ProgressLine } from './progress.js'

const PRODUCTS = 50
const STOCK_PER_PRODUCT = 250

export interface DemoOptions {
  /** A postgres://, mysql:// or sqlite: URL; SQLite in a temp file when absent. */
  readonly databaseUrl?: string | undefined
  readonly orders: number
  readonly concurrency: number
  /** Print progress and the summary. */
  readonly quiet?: boolean
  readonly hooks?: DemoHooks
  /** Aborted (Ctrl-C): no new orders start, the ones running finish, and the summary covers what was done. */
  readonly signal?: AbortSignal
}

/** What may watch the run (the dashboard): told when the pool is made, and when the run is over but the pool still open. */
export interface DemoHooks {
  opened?(pool: Pool): Promise<void>
  finished?(pool: Pool): Promise<void>
}

export interface DemoReport {
  readonly placed: number
  readonly outOfStock: number
  readonly orders: number
  readonly consistent: boolean
  /** Stopped by the signal before every order was tried. */
  readonly interrupted: boolean
  readonly stats: ReturnType<Pool['stats']>
}

/** Runs the order-processing workload once and reports what happened. */
export async function runDemo({ databaseUrl, orders, concurrency, quiet = false, hooks = {}, signal }: DemoOptions): Promise<DemoReport> {
  const say = quiet ? () => {} : console.log
  const pool = createPool({
    dialect: databaseUrl ? dialectFromUrl(databaseUrl) : sqlite({ filename: demoFile() }),
    name: 'demo',
    min: 2,
    max: 8,
    acquireTimeoutMillis: 10_000,
    // short on purpose, so that a few-second demo shows connections being recycled and checked
    maxLifetimeMillis: 1_000,
    healthCheckIntervalMillis: 300,
    housekeepingIntervalMillis: 100,
  })
  say(`Sluice demo: ${orders} orders from ${concurrency} concurrent workflows on ${pool.config.dialect.description}`)
  let outcomes: RunOutcome
  let shop: Awaited<ReturnType<typeof audit>>
  try {
    await hooks.opened?.(pool)
    await pool.ready()
    await createSchema(pool, PRODUCTS, STOCK_PER_PRODUCT)
    outcomes = await run(pool, orders, concurrency, quiet, signal)
    shop = await audit(pool, PRODUCTS, STOCK_PER_PRODUCT)
    if (!quiet) printSummary(pool, outcomes, shop, orders)
  } finally {
    await hooks.finished?.(pool)
    // a graceful close: what still runs (a dashboard's read) gets 5 s to finish
    await pool.close({ timeoutMillis: 5_000 })
  }
  const interrupted = outcomes.placed + outcomes.outOfStock < orders
  return { placed: outcomes.placed, outOfStock: outcomes.outOfStock, orders: shop.orders, consistent: shop.consistent, interrupted, stats: pool.stats() }
}

interface RunOutcome {
  placed: number
  outOfStock: number
  seconds: number
  dashboardReads: number
}

async function run(pool: Pool, orders: number, concurrency: number, quiet: boolean, signal: AbortSignal | undefined): Promise<RunOutcome> {
  const requests = orderRequests(orders, PRODUCTS)
  const counts: Record<OrderOutcome, number> = { placed: 0, 'out-of-stock': 0 }
  const progress = quiet ? undefined : new ProgressLine(pool, orders)
  const started = performance.now()
  let done = 0
  let finished = false

  // a read-only dashboard workflow polls the totals while orders flow
  let dashboardReads = 0
  const dashboard = pool.runWorkflow('dashboard', async () => {
    while (!finished) {
      await pool.query('SELECT status, COUNT(*) AS n, SUM(total_cents) AS revenue FROM demo_orders GROUP BY status')
      dashboardReads++
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })

  const worker = async () => {
    // after Ctrl-C no worker takes another order; the one it is placing finishes
    for (let next = requests.next(); !next.done && !signal?.aborted; next = requests.next()) {
      const outcome = await pool.runWorkflow('order', () => placeOrder(pool, next.value))
      counts[outcome]++
      progress?.update(++done)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  finished = true
  await dashboard
  progress?.finish(done)
  return { placed: counts.placed, outOfStock: counts['out-of-stock'], seconds: (performance.now() - started) / 1000, dashboardReads }
}

function printSummary(pool: Pool, run: RunOutcome, shop: Awaited<ReturnType<typeof audit>>, orders: number): void {
  const stats = pool.stats()
  const tried = run.placed + run.outOfStock
  const rows: Array<[string, string]> = [
    ...(tried < orders ? [['interrupted', `after ${tried} of ${orders} orders (Ctrl-C): the summary covers those`] as [string, string]] : []),
    ['orders placed', `${run.placed} (${run.outOfStock} rejected: out of stock)`],
    ['throughput', `${Math.round((run.placed + run.outOfStock) / run.seconds)} orders/s, ${Math.round(stats.queries.executed / run.seconds)} statements/s`],
    ['dashboard reads', String(run.dashboardReads)],
    ['acquire wait', `avg ${stats.performance.avgAcquisitionTimeMs.toFixed(2)} ms, p99 ${stats.performance.p99AcquisitionTimeMs.toFixed(2)} ms`],
    ['statement time', `avg ${stats.performance.avgQueryTimeMs.toFixed(2)} ms, p99 ${stats.performance.p99QueryTimeMs.toFixed(2)} ms`],
    ['statements', `${stats.queries.executed} run, ${stats.queries.errors} failed`],
    ['connections', `${stats.connections.created} created, ${stats.connections.recycled} recycled, ${stats.connections.failed} failed to open`],
    ['health scores', Object.entries(stats.currentState.healthScores).map(([id, score]) => `${id}=${score}`).join(' ') || '(none open)'],
    ['workflows', `${stats.workflows.completed} completed, ${stats.workflows.leakedConnectionsReleased} leaked connections released`],
    ['learned need', Object.entries(pool.workflowHistory()).map(([type, peaks]) => `${type}: peak ${Math.max(...peaks)} connections`).join(', ')],
    ['stock audit', `${shop.unitsSold} units sold + ${shop.unitsLeft} left = ${shop.unitsSold + shop.unitsLeft} ${shop.consistent ? '(every unit accounted for)' : '(MISMATCH)'}`],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log('')
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
}

function demoFile(): string {
  const dir = join(tmpdir(), 'sluice-demo')
  mkdirSync(dir, { recursive: true })
  return join(dir, 'orders.db')
}
