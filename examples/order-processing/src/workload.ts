import type { Pool, PoolConnection } from '@sluice/core'
import { placeholders } from './schema.js'

export interface OrderRequest {
  readonly customerId: number
  readonly items: ReadonlyArray<{ productId: number; quantity: number }>
}

export type OrderOutcome = 'placed' | 'out-of-stock'

/** A deterministic pseudo-random order stream, so every run does the same work. */
export function* orderRequests(count: number, products: number, seed = 42): Generator<OrderRequest> {
  let state = seed
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
  for (let i = 0; i < count; i++) {
    const lines = 1 + Math.floor(next() * 3)
    const items = new Map<number, number>()
    for (let l = 0; l < lines; l++) {
      const productId = 1 + Math.floor(next() * products)
      items.set(productId, (items.get(productId) ?? 0) + 1 + Math.floor(next() * 3))
    }
    yield { customerId: 1 + Math.floor(next() * 500), items: [...items].map(([productId, quantity]) => ({ productId, quantity })) }
  }
}

/**
 * The guide's order-processing workflow: read the catalogue, then in one
 * transaction check stock, create the order and its items, and take the
 * stock. Items are locked in product order so concurrent orders cannot
 * deadlock. An order that cannot be filled is rolled back.
 */
export async function placeOrder(pool: Pool, order: OrderRequest): Promise<OrderOutcome> {
  const kind = pool.config.dialect.kind
  const p = placeholders(kind)
  const items = [...order.items].sort((a, b) => a.productId - b.productId)
  // a read outside the transaction, as a storefront would show prices
  const prices = new Map<number, number>()
  for (const item of items) {
    const row = await pool.query<{ price_cents: number }>(`SELECT price_cents FROM demo_products WHERE id = ${p(1)}`, [item.productId], { fetch: 'one' })
    prices.set(item.productId, Number(row?.price_cents ?? 0))
  }
  const total = items.reduce((sum, item) => sum + (prices.get(item.productId) ?? 0) * item.quantity, 0)
  try {
    return await pool.transaction(async (tx) => {
      for (const item of items) {
        const forUpdate = kind === 'sqlite' ? '' : ' FOR UPDATE'
        const stock = await tx.query<{ available: number }>(
          `SELECT available FROM demo_inventory WHERE product_id = ${p(1)}${forUpdate}`,
          [item.productId],
          { fetch: 'one' },
        )
        if (!stock || Number(stock.available) < item.quantity) throw new OutOfStock()
      }
      const orderId = await insertOrder(tx, kind, order.customerId, total)
      for (const item of items) {
        await tx.query(`INSERT INTO demo_order_items (order_id, product_id, quantity) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [orderId, item.productId, item.quantity])
        await tx.query(`UPDATE demo_inventory SET available = available - ${p(1)} WHERE product_id = ${p(2)}`, [item.quantity, item.productId])
      }
      return 'placed' as const
    })
  } catch (error) {
    if (error instanceof OutOfStock) return 'out-of-stock'
    throw error
  }
}

async function insertOrder(tx: PoolConnection, kind: string, customerId: number, total: number): Promise<number> {
  if (kind === 'postgres') {
    const row = await tx.query<{ id: string }>(
      `INSERT INTO demo_orders (customer_id, total_cents, status) VALUES ($1, $2, 'placed') RETURNING id`,
      [customerId, total],
      { fetch: 'one' },
    )
    return Number(row!.id)
  }
  const result = await tx.query(`INSERT INTO demo_orders (customer_id, total_cents, status) VALUES (?, ?, 'placed')`, [customerId, total], { fetch: 'none' })
  return Number(result.insertId)
}

class OutOfStock extends Error {}

/** What the shop looks like after the run, and whether every unit is accounted for. */
export async function audit(pool: Pool, products: number, stockPerProduct: number) {
  const sold = await pool.query<{ units: number | string | null }>('SELECT SUM(quantity) AS units FROM demo_order_items', [], { fetch: 'one' })
  const left = await pool.query<{ units: number | string | null }>('SELECT SUM(available) AS units FROM demo_inventory', [], { fetch: 'one' })
  const orders = await pool.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM demo_orders', [], { fetch: 'one' })
  const unitsSold = Number(sold?.units ?? 0)
  const unitsLeft = Number(left?.units ?? 0)
  return { orders: Number(orders?.n ?? 0), unitsSold, unitsLeft, consistent: unitsSold + unitsLeft === products * stockPerProduct }
}
