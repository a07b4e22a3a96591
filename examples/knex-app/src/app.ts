import { sluiceOf } from '@sluice/knex'
import { connect, type DatabaseKind } from './connect.js'
import { orderRequests, placeOrder } from './orders.js'
import { report, type ShopReport } from './report.js'
import { CATALOGUE, createSchema } from './schema.js'

export interface RunOptions {
  /** `postgres://...` or `mysql://...`; SQLite in `sqliteFile` when absent. */
  readonly databaseUrl?: string
  readonly sqliteFile: string
  readonly orders?: number
  readonly concurrency?: number
  /** Where the app prints what it did. Defaults to nowhere. */
  readonly print?: (line: string) => void
}

export interface RunResult {
  readonly database: DatabaseKind
  readonly placed: number
  readonly refused: number
  readonly report: ShopReport
  /** Every check passed: stock adds up, orders match, revenue matches, no connection left borrowed. */
  readonly ok: boolean
}

/** Sets up the shop, places orders from concurrent workers, and reports. */
export async function run(options: RunOptions): Promise<RunResult> {
  const print = options.print ?? (() => {})
  const shop = connect(options.databaseUrl, options.sqliteFile)
  const { db, kind } = shop
  try {
    await createSchema(db)
    print(`knex-app on ${sluiceOf(db).config.dialect.description}: ${CATALOGUE.length} products stocked`)
    const requests = orderRequests(options.orders ?? 120, CATALOGUE.length)
    let placed = 0
    let refused = 0
    const worker = async (): Promise<void> => {
      for (let next = requests.next(); !next.done; next = requests.next()) {
        const outcome = await placeOrder(shop, next.value)
        if (outcome.placed) placed++
        else refused++
      }
    }
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker))
    const sales = await report(db)
    const stats = sluiceOf(db).stats()
    print(`orders: ${placed} placed, ${refused} refused for lack of stock`)
    for (const p of sales.products) print(`  ${p.name.padEnd(9)} sold ${String(p.sold).padStart(3)}, ${String(p.stock).padStart(3)} of ${p.initialStock} left, ${(p.revenueCents / 100).toFixed(2)}`)
    print(`revenue ${(sales.revenueCents / 100).toFixed(2)} (streamed back: ${(sales.streamedRevenueCents / 100).toFixed(2)} over ${sales.orders} orders)`)
    print(
      `pool: ${stats.connections.created} connections opened, ${stats.queries.executed} statements, ` +
        `p99 acquire ${stats.performance.p99AcquisitionTimeMs}ms, ${stats.currentState.activeConnections} still borrowed`,
    )
    const ok = sales.consistent && sales.orders === placed && placed > 0 && refused > 0 && stats.currentState.activeConnections === 0
    print(ok ? 'all checks passed' : 'CHECK FAILED: the numbers do not add up')
    return { database: kind, placed, refused, report: sales, ok }
  } finally {
    await db.destroy()
  }
}
