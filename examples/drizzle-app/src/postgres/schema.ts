import { integer, pgTable, primaryKey, serial, timestamp, varchar } from 'drizzle-orm/pg-core'

export const products = pgTable('drizzle_app_products', {
  sku: varchar({ length: 32 }).primaryKey(),
  name: varchar({ length: 100 }).notNull(),
  priceCents: integer('price_cents').notNull(),
  stock: integer().notNull(),
})

export const orders = pgTable('drizzle_app_orders', {
  id: serial().primaryKey(),
  customer: varchar({ length: 100 }).notNull(),
  totalCents: integer('total_cents').notNull(),
  placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
})

export const orderLines = pgTable(
  'drizzle_app_order_lines',
  {
    orderId: integer('order_id').notNull(),
    sku: varchar({ length: 32 }).notNull(),
    quantity: integer().notNull(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] })],
)

/** What drizzle-kit would generate; the example creates its tables itself to stay self-contained. */
export const DDL = [
  'drop table if exists drizzle_app_order_lines, drizzle_app_orders, drizzle_app_products',
  `create table drizzle_app_products (sku varchar(32) primary key, name varchar(100) not null,
     price_cents integer not null, stock integer not null check (stock >= 0))`,
  `create table drizzle_app_orders (id serial primary key, customer varchar(100) not null,
     total_cents integer not null, placed_at timestamptz not null default now())`,
  `create table drizzle_app_order_lines (order_id integer not null references drizzle_app_orders (id),
     sku varchar(32) not null references drizzle_app_products (sku), quantity integer not null,
     price_cents integer not null, primary key (order_id, sku))`,
]
