import type { Knex } from 'knex'

export const PRODUCTS = 'knex_app_products'
export const ORDERS = 'knex_app_orders'
export const ORDER_LINES = 'knex_app_order_lines'

export interface Product {
  readonly id: number
  readonly name: string
  readonly priceCents: number
  readonly stock: number
}

export const CATALOGUE: readonly Product[] = [
  { id: 1, name: 'kettle', priceCents: 3_900, stock: 40 },
  { id: 2, name: 'teapot', priceCents: 2_500, stock: 25 },
  { id: 3, name: 'mug', priceCents: 900, stock: 60 },
  { id: 4, name: 'tea tin', priceCents: 1_200, stock: 30 },
  { id: 5, name: 'strainer', priceCents: 600, stock: 15 },
]

/** Drops and recreates the shop's tables, then stocks the catalogue. */
export async function createSchema(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists(ORDER_LINES)
  await db.schema.dropTableIfExists(ORDERS)
  await db.schema.dropTableIfExists(PRODUCTS)
  await db.schema.createTable(PRODUCTS, (t) => {
    t.integer('id').primary()
    t.string('name', 100).notNullable()
    t.integer('price_cents').notNullable()
    t.integer('stock').notNullable()
    t.integer('initial_stock').notNullable()
  })
  await db.schema.createTable(ORDERS, (t) => {
    t.increments('id')
    t.string('customer', 100).notNullable()
    t.integer('total_cents').notNullable()
  })
  await db.schema.createTable(ORDER_LINES, (t) => {
    t.increments('id')
    // unsigned like the id `increments` makes, or MySQL refuses the foreign key
    t.integer('order_id').unsigned().notNullable().references('id').inTable(ORDERS)
    t.integer('product_id').notNullable().references('id').inTable(PRODUCTS)
    t.integer('qty').notNullable()
    t.integer('price_cents').notNullable()
  })
  await db(PRODUCTS).insert(CATALOGUE.map((p) => ({ id: p.id, name: p.name, price_cents: p.priceCents, stock: p.stock, initial_stock: p.stock })))
}
