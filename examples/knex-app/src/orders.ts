import type { Shop } from './connect.js'
import { ORDER_LINES, ORDERS, PRODUCTS } from './schema.js'

export interface OrderRequest {
  readonly customer: string
  readonly lines: ReadonlyArray<{ readonly productId: number; readonly qty: number }>
}

export type OrderOutcome = { readonly placed: true; readonly orderId: number; readonly totalCents: number } | { readonly placed: false; readonly reason: string }

class OutOfStock extends Error {}

/**
 * Places one order in one transaction: locks the ordered products' rows
 * (`FOR UPDATE` on PostgreSQL and MySQL; SQLite's single writer already
 * serializes the transaction), checks and takes the stock, and records the
 * order. Short stock rolls the whole order back.
 */
export async function placeOrder({ db, kind }: Shop, request: OrderRequest): Promise<OrderOutcome> {
  try {
    return await db.transaction(async (trx) => {
      const ids = request.lines.map((line) => line.productId)
      // locking in id order: two orders for the same products cannot deadlock
      const products = await trx(PRODUCTS).whereIn('id', ids).orderBy('id').forUpdate().select('id', 'stock', 'price_cents')
      const byId = new Map(products.map((p) => [Number(p.id), { stock: Number(p.stock), priceCents: Number(p.price_cents) }]))
      let totalCents = 0
      for (const line of request.lines) {
        const product = byId.get(line.productId)
        if (!product || product.stock < line.qty) throw new OutOfStock(`product ${line.productId} has ${product?.stock ?? 0} left, ${line.qty} wanted`)
        totalCents += product.priceCents * line.qty
      }
      const insert = trx(ORDERS).insert({ customer: request.customer, total_cents: totalCents })
      // MySQL answers an insert with its id; PostgreSQL and SQLite are told which columns to return
      const orderId = kind === 'mysql' ? Number((await insert)[0]) : Number((await insert.returning<Array<{ id: number }>>('id'))[0]?.id)
      for (const line of request.lines) {
        await trx(PRODUCTS).where({ id: line.productId }).decrement('stock', line.qty)
        await trx(ORDER_LINES).insert({ order_id: orderId, product_id: line.productId, qty: line.qty, price_cents: byId.get(line.productId)!.priceCents })
      }
      return { placed: true as const, orderId, totalCents }
    })
  } catch (error) {
    if (error instanceof OutOfStock) return { placed: false, reason: error.message }
    throw error
  }
}

/** A deterministic stream of orders: more demand than stock, so some orders must fail. */
export function* orderRequests(count: number, productCount: number): Generator<OrderRequest> {
  let seed = 7
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed % n
  }
  for (let i = 0; i < count; i++) {
    const first = 1 + next(productCount)
    const second = 1 + ((first + next(productCount - 1)) % productCount)
    yield { customer: `customer-${1 + next(20)}`, lines: [{ productId: first, qty: 1 + next(3) }, { productId: second, qty: 1 + next(2) }] }
  }
}
