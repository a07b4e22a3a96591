/**
 * A small shop on Drizzle ORM with Sluice as its connection pool: it places a
 * burst of concurrent orders (each a transaction that locks its products,
 * checks stock, waits for the payment provider and records the order), then
 * reports sales and checks that no item was lost or sold twice.
 *
 *   pnpm --filter @sluice/example-drizzle-app start                       # SQLite in a temp file
 *   DATABASE_URL=postgres://... pnpm --filter @sluice/example-drizzle-app start
 *   DATABASE_URL=mysql://...    pnpm --filter @sluice/example-drizzle-app start
 */
import { pathToFileURL } from 'node:url'
import { CATALOG, sampleOrders } from './catalog.js'
import { openShop } from './open-shop.js'
import type { Sales } from './shop.js'

export interface RunOptions {
  /** Where the shop lives; SQLite in a temp file when absent. */
  readonly databaseUrl?: string
  /** How many orders arrive at once. Defaults to 60. */
  readonly orders?: number
  /** Where the report goes. Defaults to console.log. */
  readonly print?: (line: string) => void
}

export interface RunReport {
  readonly database: string
  readonly placed: number
  readonly rejected: number
  readonly sales: Sales
  /** Every item is either still in stock or sold, and revenue matches the orders. */
  readonly consistent: boolean
  readonly problems: readonly string[]
}

export async function run(options: RunOptions = {}): Promise<RunReport> {
  const print = options.print ?? console.log
  const shop = await openShop(options.databaseUrl)
  try {
    await shop.setUp(CATALOG)
    const requests = sampleOrders(options.orders ?? 60)
    const outcomes = await Promise.all(requests.map((order) => shop.placeOrder(order)))
    const placed = outcomes.filter((outcome) => outcome.status === 'placed')
    const sales = await shop.sales()
    const problems = audit(sales, placed.length, placed.reduce((sum, outcome) => sum + outcome.totalCents, 0))

    print(`${shop.database}: ${requests.length} orders arrived at once; ${placed.length} placed, ${requests.length - placed.length} rejected`)
    const reasons = new Map<string, number>()
    for (const outcome of outcomes) if (outcome.status === 'rejected') reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1)
    for (const [reason, times] of reasons) print(`  rejected ${times}x: ${reason}`)
    for (const line of sales.stock) print(`  ${line.sku.padEnd(10)} sold ${String(line.sold).padStart(3)}, in stock ${String(line.stock).padStart(3)}`)
    print(`  revenue ${(sales.revenueCents / 100).toFixed(2)} over ${sales.orders} orders`)
    const stats = shop.pool().stats()
    print(`  pool: ${stats.connections.created} connections opened, ${stats.queries.executed} statements, p99 acquire ${stats.performance.p99AcquisitionTimeMs} ms`)
    print(problems.length === 0 ? 'audit: consistent' : `audit FAILED:\n  ${problems.join('\n  ')}`)
    return { database: shop.database, placed: placed.length, rejected: requests.length - placed.length, sales, consistent: problems.length === 0, problems }
  } finally {
    await shop.close()
  }
}

/** What must hold however the orders interleaved. */
function audit(sales: Sales, placedOrders: number, placedRevenue: number): string[] {
  const problems: string[] = []
  for (const product of CATALOG) {
    const line = sales.stock.find((s) => s.sku === product.sku)
    if (line === undefined) problems.push(`${product.sku} is missing`)
    else if (line.stock + line.sold !== product.stock || line.stock < 0) {
      problems.push(`${product.sku}: ${line.stock} in stock + ${line.sold} sold != ${product.stock} at the start`)
    }
  }
  if (sales.orders !== placedOrders) problems.push(`${sales.orders} orders recorded, ${placedOrders} placed`)
  if (sales.revenueCents !== placedRevenue) problems.push(`revenue ${sales.revenueCents} recorded, ${placedRevenue} charged`)
  return problems
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const report = await run({ databaseUrl: process.env.DATABASE_URL })
    if (!report.consistent) process.exitCode = 1
  } catch (error) {
    console.error(error)
    process.exitCode = 1
  }
}
