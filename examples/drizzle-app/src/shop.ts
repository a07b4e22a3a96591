import type { Pool } from '@sluice/core'

export interface Product {
  readonly sku: string
  readonly name: string
  readonly priceCents: number
  readonly stock: number
}

export interface OrderRequest {
  readonly customer: string
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>
}

export type OrderOutcome =
  | { readonly status: 'placed'; readonly orderId: number; readonly totalCents: number }
  | { readonly status: 'rejected'; readonly reason: string }

export interface StockLine {
  readonly sku: string
  readonly stock: number
  readonly sold: number
}

export interface Sales {
  readonly orders: number
  readonly revenueCents: number
  readonly stock: readonly StockLine[]
}

/** One database's implementation of the shop, in that Drizzle driver's idiom. */
export interface Shop {
  readonly database: 'postgres' | 'mysql' | 'sqlite'
  /** Creates the tables afresh and fills the catalog. */
  setUp(catalog: readonly Product[]): Promise<void>
  /** Locks the products, checks stock, takes payment and records the order, all in one transaction. */
  placeOrder(order: OrderRequest): Promise<OrderOutcome>
  sales(): Promise<Sales>
  /** The Sluice pool under Drizzle, for its statistics. */
  pool(): Pool
  close(): Promise<void>
}

/** Why an order did not go through; thrown inside the transaction so that it rolls back. */
export class OrderRejected extends Error {}

/** The order's lines with their prices, and each product's stock after it; throws when stock is short. */
export function priceOrder(order: OrderRequest, products: readonly Pick<Product, 'sku' | 'priceCents' | 'stock'>[]) {
  const lines = order.lines.map((line) => {
    const product = products.find((p) => p.sku === line.sku)
    if (product === undefined) throw new OrderRejected(`unknown product ${line.sku}`)
    if (product.stock < line.quantity) throw new OrderRejected(`out of stock: ${line.sku}`)
    return { sku: line.sku, quantity: line.quantity, priceCents: product.priceCents, stockAfter: product.stock - line.quantity }
  })
  return { lines, totalCents: lines.reduce((sum, line) => sum + line.quantity * line.priceCents, 0) }
}

/**
 * The payment provider, simulated: answers after a few milliseconds, while
 * the order's transaction (and its row locks) stays open, and declines
 * customers on its block list.
 */
export async function authorizePayment(customer: string, totalCents: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1 + (totalCents % 4)))
  if (customer.startsWith('blocked-')) throw new OrderRejected(`payment declined for ${customer}`)
}
