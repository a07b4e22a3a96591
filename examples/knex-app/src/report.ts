import type { Knex } from 'knex'
import { ORDER_LINES, ORDERS, PRODUCTS } from './schema.js'

export interface ProductReport {
  readonly name: string
  readonly initialStock: number
  readonly stock: number
  readonly sold: number
  readonly revenueCents: number
}

export interface ShopReport {
  readonly products: ProductReport[]
  readonly orders: number
  readonly revenueCents: number
  /** Revenue summed again by streaming every order, as a cross-check. */
  readonly streamedRevenueCents: number
  /** Every product's stock equals its initial stock minus what was sold, and none is negative. */
  readonly consistent: boolean
}

/** Sales per product (one grouped query), and the order totals read back through a stream. */
export async function report(db: Knex): Promise<ShopReport> {
  const rows = await db(`${PRODUCTS} as p`)
    .leftJoin(`${ORDER_LINES} as l`, 'l.product_id', 'p.id')
    .groupBy('p.id', 'p.name', 'p.initial_stock', 'p.stock')
    .orderBy('p.id')
    .select('p.name', 'p.initial_stock', 'p.stock', db.raw('coalesce(sum(l.qty), 0) as sold'), db.raw('coalesce(sum(l.qty * l.price_cents), 0) as revenue'))
  // PostgreSQL returns sums as strings (bigint/numeric), MySQL as decimals
  const products = rows.map((row) => ({
    name: String(row.name),
    initialStock: Number(row.initial_stock),
    stock: Number(row.stock),
    sold: Number(row.sold),
    revenueCents: Number(row.revenue),
  }))
  let streamedRevenueCents = 0
  let orders = 0
  for await (const order of db(ORDERS).select('total_cents').orderBy('id').stream()) {
    streamedRevenueCents += Number((order as { total_cents: unknown }).total_cents)
    orders++
  }
  const revenueCents = products.reduce((sum, p) => sum + p.revenueCents, 0)
  const consistent = products.every((p) => p.stock >= 0 && p.stock === p.initialStock - p.sold) && revenueCents === streamedRevenueCents
  return { products, orders, revenueCents, streamedRevenueCents, consistent }
}
