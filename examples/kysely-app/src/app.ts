/**
 * The shop: stock the catalogue, let customers order concurrently (some
 * orders must be refused for lack of stock), then report and audit.
 */
import { sluiceOf } from '@sluice/kysely'
import { openShop } from './database.js'
import { placeOrder, type OrderOutcome, type OrderRequest } from './orders.js'
import { audit, salesReport, type ProductSales } from './report.js'
import { CATALOGUE, resetSchema } from './schema.js'

export interface RunOptions {
  /** `postgres://...`, `mysql://...`, `sqlite:<file>`; SQLite in a temp file when absent. */
  readonly databaseUrl?: string
  readonly orders?: number
  /** Where progress lines go. Defaults to `console.log`. */
  readonly print?: (line: string) => void
}

export interface RunResult {
  readonly ok: boolean
  readonly placed: number
  readonly refused: number
  readonly report: readonly ProductSales[]
  /** What did not balance; empty on a good run. */
  readonly problems: readonly string[]
}

export async function run(options: RunOptions = {}): Promise<RunResult> {
  const print = options.print ?? console.log
  const shop = openShop(options.databaseUrl)
  const { db, kind, description } = shop
  try {
    print(`shop on ${description}`)
    await sluiceOf(db).ready()
    await resetSchema(db, kind)
    print(`stocked ${CATALOGUE.length} products`)

    const requests = orderRequests(options.orders ?? 60)
    const outcomes: OrderOutcome[] = await Promise.all(requests.map((request) => placeOrder(db, kind, request)))
    const placed = outcomes.filter((outcome) => outcome.placed).length
    print(`${requests.length} customers ordered at once: ${placed} orders placed, ${requests.length - placed} refused for lack of stock`)

    const report = await salesReport(db)
    for (const row of report) {
      print(`  ${row.sku.padEnd(7)} ${row.name.padEnd(12)} sold ${String(row.unitsSold).padStart(3)}  revenue ${money(row.revenueCents).padStart(10)}  left ${row.stockLeft}`)
    }
    const problems = await audit(db, report)
    // the demand is sized to exceed the stock: a run that refuses nothing did not exercise the locks
    if (placed === requests.length) problems.push('every order was placed, though demand exceeds stock')
    if (placed === 0) problems.push('no order was placed')
    for (const problem of problems) print(`AUDIT FAILED: ${problem}`)
    if (problems.length === 0) print('audit: stock and revenue balance')

    const stats = sluiceOf(db).stats()
    print(
      `pool: ${stats.connections.created} connections opened (max ${stats.pool.max}), ${stats.queries.executed} statements, ` +
        `avg wait ${stats.performance.avgAcquisitionTimeMs}ms, avg statement ${stats.performance.avgQueryTimeMs}ms`,
    )
    return { ok: problems.length === 0, placed, refused: requests.length - placed, report, problems }
  } finally {
    await shop.close()
  }
}

/** Deterministic demand, well above the stock, so that some orders must be refused. */
function orderRequests(count: number): OrderRequest[] {
  let seed = 42
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed % n
  }
  return Array.from({ length: count }, (_, i) => {
    const first = 1 + next(CATALOGUE.length)
    const second = 1 + ((first + next(CATALOGUE.length - 1)) % CATALOGUE.length)
    const lines = [
      { productId: first, qty: 1 + next(4) },
      { productId: second, qty: 1 + next(3) },
    ]
    return { customer: `customer-${i + 1}`, lines }
  })
}

function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`
}
