import { count, eq, inArray, sql } from 'drizzle-orm'
import { drizzle, sluiceOf } from '@sluice/drizzle/better-sqlite3'
import { authorizePayment, OrderRejected, priceOrder, type OrderOutcome, type OrderRequest, type Product, type Shop } from '../shop.js'
import { DDL, orderLines, orders, products } from './schema.js'

/**
 * SQLite has no row locks (and Drizzle no `.for('update')` for it): an async
 * transaction holds the database's write lock from BEGIN IMMEDIATE to COMMIT,
 * so orders are placed one at a time while reads go on.
 */
export async function sqliteShop(filename: string): Promise<Shop> {
  const db = await drizzle({ connection: filename, pool: { min: 1, max: 4, name: 'drizzle-app' } })
  return {
    database: 'sqlite',
    async setUp(catalog: readonly Product[]) {
      db.$client.exec(DDL)
      db.insert(products).values([...catalog]).run()
    },
    async placeOrder(order: OrderRequest): Promise<OrderOutcome> {
      try {
        // async: the payment call happens inside the transaction, on a connection of its own
        return await db.transaction(async (tx) => {
          const skus = order.lines.map((line) => line.sku)
          const priced = priceOrder(order, tx.select().from(products).where(inArray(products.sku, skus)).all())
          await authorizePayment(order.customer, priced.totalCents)
          for (const line of priced.lines) tx.update(products).set({ stock: line.stockAfter }).where(eq(products.sku, line.sku)).run()
          const placed = tx.insert(orders).values({ customer: order.customer, totalCents: priced.totalCents }).returning({ id: orders.id }).get()
          tx.insert(orderLines).values(priced.lines.map(({ sku, quantity, priceCents }) => ({ orderId: placed.id, sku, quantity, priceCents }))).run()
          return { status: 'placed', orderId: placed.id, totalCents: priced.totalCents } as const
        })
      } catch (error) {
        if (error instanceof OrderRejected) return { status: 'rejected', reason: error.message }
        throw error
      }
    },
    async sales() {
      // synchronous, on the pinned connection: it sees the last committed state
      const stock = db
        .select({ sku: products.sku, stock: products.stock, sold: sql<number>`coalesce(sum(${orderLines.quantity}), 0)`.mapWith(Number) })
        .from(products)
        .leftJoin(orderLines, eq(orderLines.sku, products.sku))
        .groupBy(products.sku)
        .orderBy(products.sku)
        .all()
      const totals = db.select({ orders: count(), revenueCents: sql<number>`coalesce(sum(${orders.totalCents}), 0)`.mapWith(Number) }).from(orders).get()
      return { orders: totals!.orders, revenueCents: totals!.revenueCents, stock }
    },
    pool: () => sluiceOf(db),
    close: () => db.$client.close(),
  }
}
