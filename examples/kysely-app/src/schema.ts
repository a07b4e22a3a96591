/**
 * The shop's tables, as Kysely types and as schema-builder statements.
 * Money is in integer cents, so every database adds it up the same way.
 */
import type { Generated, Kysely } from 'kysely'
import type { DatabaseKind } from './database.js'

export interface ProductTable {
  id: number
  sku: string
  name: string
  price_cents: number
  stock: number
}

export interface OrderTable {
  id: Generated<number>
  customer: string
  total_cents: number
}

export interface OrderLineTable {
  order_id: number
  product_id: number
  qty: number
  price_cents: number
}

export interface ShopDatabase {
  kysely_app_products: ProductTable
  kysely_app_orders: OrderTable
  kysely_app_order_lines: OrderLineTable
}

export const CATALOGUE: ReadonlyArray<ProductTable> = [
  { id: 1, sku: 'KB-01', name: 'Keyboard', price_cents: 4_900, stock: 40 },
  { id: 2, sku: 'MS-02', name: 'Mouse', price_cents: 1_900, stock: 60 },
  { id: 3, sku: 'MN-27', name: 'Monitor 27"', price_cents: 21_900, stock: 15 },
  { id: 4, sku: 'CB-USB', name: 'USB-C cable', price_cents: 900, stock: 100 },
]

/** Drops and recreates the tables, then stocks the catalogue. */
export async function resetSchema(db: Kysely<ShopDatabase>, kind: DatabaseKind): Promise<void> {
  for (const table of ['kysely_app_order_lines', 'kysely_app_orders', 'kysely_app_products'] as const) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await db.schema
    .createTable('kysely_app_products')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('sku', 'varchar(20)', (col) => col.notNull().unique())
    .addColumn('name', 'varchar(100)', (col) => col.notNull())
    .addColumn('price_cents', 'integer', (col) => col.notNull())
    .addColumn('stock', 'integer', (col) => col.notNull())
    .execute()
  await db.schema
    .createTable('kysely_app_orders')
    // each database spells an auto-numbered key its own way
    .addColumn('id', kind === 'postgres' ? 'serial' : 'integer', (col) => (kind === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('customer', 'varchar(100)', (col) => col.notNull())
    .addColumn('total_cents', 'integer', (col) => col.notNull())
    .execute()
  await db.schema
    .createTable('kysely_app_order_lines')
    .addColumn('order_id', 'integer', (col) => col.notNull().references('kysely_app_orders.id'))
    .addColumn('product_id', 'integer', (col) => col.notNull().references('kysely_app_products.id'))
    .addColumn('qty', 'integer', (col) => col.notNull())
    .addColumn('price_cents', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('kysely_app_order_lines_pk', ['order_id', 'product_id'])
    .execute()
  await db.insertInto('kysely_app_products').values([...CATALOGUE]).execute()
}
