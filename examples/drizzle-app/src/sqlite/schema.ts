import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const products = sqliteTable('drizzle_app_products', {
  sku: text().primaryKey(),
  name: text().notNull(),
  priceCents: integer('price_cents').notNull(),
  stock: integer().notNull(),
})

export const orders = sqliteTable('drizzle_app_orders', {
  id: integer().primaryKey({ autoIncrement: true }),
  customer: text().notNull(),
  totalCents: integer('total_cents').notNull(),
  placedAt: integer('placed_at', { mode: 'timestamp' }).notNull().$defaultFn(() => new Date()),
})

export const orderLines = sqliteTable(
  'drizzle_app_order_lines',
  {
    orderId: integer('order_id').notNull(),
    sku: text().notNull(),
    quantity: integer().notNull(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] })],
)

/** What drizzle-kit would generate; the example creates its tables itself to stay self-contained. */
export const DDL = `
  drop table if exists drizzle_app_order_lines;
  drop table if exists drizzle_app_orders;
  drop table if exists drizzle_app_products;
  create table drizzle_app_products (sku text primary key, name text not null,
    price_cents integer not null, stock integer not null check (stock >= 0));
  create table drizzle_app_orders (id integer primary key autoincrement, customer text not null,
    total_cents integer not null, placed_at integer not null);
  create table drizzle_app_order_lines (order_id integer not null references drizzle_app_orders (id),
    sku text not null references drizzle_app_products (sku), quantity integer not null,
    price_cents integer not null, primary key (order_id, sku));
`
