/** Placing an order: lock the products, check and take the stock, record the order, all or nothing. */
import type { Kysely, Transaction } from 'kysely'
import type { DatabaseKind } from './database.js'
import type { ShopDatabase } from './schema.js'

export interface OrderRequest {
  readonly customer: string
  readonly lines: ReadonlyArray<{ readonly productId: number; readonly qty: number }>
}

export type OrderOutcome = { readonly placed: true; readonly orderId: number; readonly totalCents: number } | { readonly placed: false; readonly reason: string }

/** Thrown inside the transaction to roll it back; reported as a refused order. */
class OutOfStock extends Error {}

export async function placeOrder(db: Kysely<ShopDatabase>, kind: DatabaseKind, request: OrderRequest): Promise<OrderOutcome> {
  try {
    return await db.transaction().execute((trx) => placeIn(trx, kind, request))
  } catch (error) {
    if (error instanceof OutOfStock) return { placed: false, reason: error.message }
    throw error
  }
}

async function placeIn(trx: Transaction<ShopDatabase>, kind: DatabaseKind, request: OrderRequest): Promise<OrderOutcome> {
  const ids = request.lines.map((line) => line.productId)
  // FOR UPDATE holds these rows until commit, so two orders cannot both take the last unit;
  // in id order, so two orders for the same products never wait for each other crosswise.
  // SQLite has no row locks: there the transaction holds the database's write lock instead.
  const products = await trx
    .selectFrom('kysely_app_products')
    .select(['id', 'name', 'price_cents', 'stock'])
    .where('id', 'in', ids)
    .orderBy('id')
    .$if(kind !== 'sqlite', (qb) => qb.forUpdate())
    .execute()

  let totalCents = 0
  for (const line of request.lines) {
    const product = products.find((p) => p.id === line.productId)
    if (!product) throw new OutOfStock(`no product ${line.productId}`)
    if (product.stock < line.qty) throw new OutOfStock(`${product.name}: ${product.stock} left, ${line.qty} wanted`)
    totalCents += product.price_cents * line.qty
  }

  for (const line of request.lines) {
    await trx
      .updateTable('kysely_app_products')
      .set((eb) => ({ stock: eb('stock', '-', line.qty) }))
      .where('id', '=', line.productId)
      .execute()
  }
  const orderId = await insertOrder(trx, kind, request.customer, totalCents)
  await trx
    .insertInto('kysely_app_order_lines')
    .values(
      request.lines.map((line) => ({
        order_id: orderId,
        product_id: line.productId,
        qty: line.qty,
        price_cents: products.find((p) => p.id === line.productId)!.price_cents,
      })),
    )
    .execute()
  return { placed: true, orderId, totalCents }
}

async function insertOrder(trx: Transaction<ShopDatabase>, kind: DatabaseKind, customer: string, totalCents: number): Promise<number> {
  const insert = trx.insertInto('kysely_app_orders').values({ customer, total_cents: totalCents })
  // PostgreSQL reports new keys only through RETURNING; MySQL and SQLite as the insert id
  if (kind === 'postgres') return (await insert.returning('id').executeTakeFirstOrThrow()).id
  const { insertId } = await insert.executeTakeFirstOrThrow()
  if (insertId === undefined) throw new Error('the database reported no id for the new order')
  return Number(insertId)
}
