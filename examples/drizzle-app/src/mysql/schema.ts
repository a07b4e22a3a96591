import { int, mysqlTable, primaryKey, timestamp, varchar } from 'drizzle-orm/mysql-core'

export const products = mysqlTable('drizzle_app_products', {
  sku: varchar({ length: 32 }).primaryKey(),
  name: varchar({ length: 100 }).notNull(),
  priceCents: int('price_cents').notNull(),
  stock: int().notNull(),
})

export const orders = mysqlTable('drizzle_app_orders', {
  id: int().autoincrement().primaryKey(),
  customer: varchar({ length: 100 }).notNull(),
  totalCents: int('total_cents').notNull(),
  placedAt: timestamp('placed_at').notNull().defaultNow(),
})

export const orderLines = mysqlTable(
  'drizzle_app_order_lines',
  {
    orderId: int('order_id').notNull(),
    sku: varchar({ length: 32 }).notNull(),
    quantity: int().notNull(),
    priceCents: int('price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] })],
)

/** What drizzle-kit would generate; the example creates its tables itself to stay self-contained. */
export const DDL = [
  'drop table if exists drizzle_app_order_lines, drizzle_app_orders, drizzle_app_products',
  `create table drizzle_app_products (sku varchar(32) primary key, name varchar(100) not null,
     price_cents int not null, stock int not null check (stock >= 0))`,
  `create table drizzle_app_orders (id int auto_increment primary key, customer varchar(100) not null,
     total_cents int not null, placed_at timestamp not null default current_timestamp)`,
  `create table drizzle_app_order_lines (order_id int not null references drizzle_app_orders (id),
     sku varchar(32) not null references drizzle_app_products (sku), quantity int not null,
     price_cents int not null, primary key (order_id, sku))`,
]
