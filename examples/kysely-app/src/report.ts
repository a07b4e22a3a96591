/** Reads: the sales report, and an audit that the books balance. */
import { sql, type Kysely } from 'kysely'
import { CATALOGUE, type ShopDatabase } from './schema.js'

export interface ProductSales {
  readonly sku: string
  readonly name: string
  readonly unitsSold: number
  readonly revenueCents: number
  readonly stockLeft: number
}

/** Units sold, revenue and stock left per product, best sellers first. */
export async function salesReport(db: Kysely<ShopDatabase>): Promise<ProductSales[]> {
  const rows = await db
    .selectFrom('kysely_app_products as p')
    .leftJoin('kysely_app_order_lines as l', 'l.product_id', 'p.id')
    .select((eb) => [
      'p.sku',
      'p.name',
      'p.stock',
      eb.fn.coalesce(eb.fn.sum<number>('l.qty'), sql<number>`0`).as('units_sold'),
      eb.fn.coalesce(eb.fn.sum<number>(eb('l.qty', '*', eb.ref('l.price_cents'))), sql<number>`0`).as('revenue_cents'),
    ])
    .groupBy(['p.id', 'p.sku', 'p.name', 'p.stock'])
    .orderBy('revenue_cents', 'desc')
    .orderBy('p.sku')
    .execute()
  // PostgreSQL and MySQL return SUM as a bigint or decimal string
  return rows.map((row) => ({
    sku: row.sku,
    name: row.name,
    unitsSold: Number(row.units_sold),
    revenueCents: Number(row.revenue_cents),
    stockLeft: row.stock,
  }))
}

/**
 * Checks the books: for every product, stock left plus units sold equals
 * the stock it started with, and no stock is negative; the orders' totals
 * add up to their lines. Reads the order lines with `.stream()`, as a
 * report over a large table would. Returns what does not balance.
 */
export async function audit(db: Kysely<ShopDatabase>, report: readonly ProductSales[]): Promise<string[]> {
  const problems: string[] = []
  for (const product of CATALOGUE) {
    const sales = report.find((row) => row.sku === product.sku)
    if (!sales) problems.push(`${product.sku} is missing from the report`)
    else if (sales.stockLeft < 0) problems.push(`${product.sku} was oversold: stock ${sales.stockLeft}`)
    else if (sales.stockLeft + sales.unitsSold !== product.stock) {
      problems.push(`${product.sku}: ${sales.stockLeft} left + ${sales.unitsSold} sold != ${product.stock} stocked`)
    }
  }
  let lineCents = 0
  for await (const line of db.selectFrom('kysely_app_order_lines').select(['qty', 'price_cents']).stream(50)) {
    lineCents += line.qty * line.price_cents
  }
  const orders = await db.selectFrom('kysely_app_orders').select((eb) => eb.fn.sum<number>('total_cents').as('cents')).executeTakeFirstOrThrow()
  const orderCents = Number(orders.cents ?? 0)
  if (orderCents !== lineCents) problems.push(`orders total ${orderCents} cents but their lines ${lineCents}`)
  const revenue = report.reduce((sum, row) => sum + row.revenueCents, 0)
  if (revenue !== lineCents) problems.push(`the report shows ${revenue} cents of revenue, the lines ${lineCents}`)
  return problems
}
