import { asc, count, eq, inArray, sql } from 'drizzle-orm'
import { drizzle, sluiceOf } from '@sluice/drizzle/node-postgres'
import { authorizePayment, OrderRejected, priceOrder, type OrderOutcome, type OrderRequest, type Product, type Shop } from '../shop.js'
import { DDL, orderLines, orders, products } from './schema.js'

export function postgresShop(connectionString: string): Shop {
  const db = drizzle({ connection: connectionString, pool: { min: 1, max: 5, name: 'drizzle-app' } })
  return {
    database: 'postgres',
    async setUp(catalog: readonly Product[]) {
      for (const statement of DDL) await db.execute(sql.raw(statement))
      await db.insert(products).values([...catalog])
    },
    async placeOrder(order: OrderRequest): Promise<OrderOutcome> {
      try {
        return await db.transaction(async (tx) => {
          // lock the order's products, in a fixed order so that concurrent orders cannot deadlock
          const skus = order.lines.map((line) => line.sku)
          const locked = await tx.select().from(products).where(inArray(products.sku, skus)).orderBy(asc(products.sku)).for('update')
          const priced = priceOrder(order, locked)
          await authorizePayment(order.customer, priced.totalCents)
          for (const line of priced.lines) await tx.update(products).set({ stock: line.stockAfter }).where(eq(products.sku, line.sku))
          const [placed] = await tx.insert(orders).values({ customer: order.customer, totalCents: priced.totalCents }).returning({ id: orders.id })
          await tx.insert(orderLines).values(priced.lines.map(({ sku, quantity, priceCents }) => ({ orderId: placed!.id, sku, quantity, priceCents })))
          return { status: 'placed', orderId: placed!.id, totalCents: priced.totalCents }
        })
      } catch (error) {
        if (error instanceof OrderRejected) return { status: 'rejected', reason: error.message }
        throw error
      }
    },
    async sales() {
      const stock = await db
        .select({ sku: products.sku, stock: products.stock, sold: sql<number>`coalesce(sum(${orderLines.quantity}), 0)`.mapWith(Number) })
        .from(products)
        .leftJoin(orderLines, eq(orderLines.sku, products.sku))
        .groupBy(products.sku)
        .orderBy(products.sku)
      const [totals] = await db.select({ orders: count(), revenueCents: sql<number>`coalesce(sum(${orders.totalCents}), 0)`.mapWith(Number) }).from(orders)
      return { orders: totals!.orders, revenueCents: totals!.revenueCents, stock }
    },
    pool: () => sluiceOf(db),
    close: () => db.$client.end(),
  }
}
