import type { DatabaseKind, Pool } from '@sluice/core'

/** Placeholder for the n-th (1-based) bound parameter in each database's syntax. */
export function placeholders(kind: DatabaseKind): (n: number) => string {
  return kind === 'postgres' ? (n) => `$${n}` : () => '?'
}

const ID_COLUMN: Record<DatabaseKind, string> = {
  postgres: 'id BIGSERIAL PRIMARY KEY',
  mysql: 'id BIGINT AUTO_INCREMENT PRIMARY KEY',
  sqlite: 'id INTEGER PRIMARY KEY AUTOINCREMENT',
}

/** Creates (or re-creates) the demo's tables and stocks the warehouse. */
export async function createSchema(pool: Pool, products: number, stockPerProduct: number): Promise<void> {
  const kind = pool.config.dialect.kind
  const p = placeholders(kind)
  for (const table of ['demo_order_items', 'demo_orders', 'demo_inventory', 'demo_products']) {
    await pool.query(`DROP TABLE IF EXISTS ${table}`)
  }
  await pool.query(`CREATE TABLE demo_products (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, price_cents INTEGER NOT NULL)`)
  await pool.query(`CREATE TABLE demo_inventory (product_id INTEGER PRIMARY KEY, available INTEGER NOT NULL CHECK (available >= 0))`)
  await pool.query(
    `CREATE TABLE demo_orders (${ID_COLUMN[kind]}, customer_id INTEGER NOT NULL, total_cents INTEGER NOT NULL, status VARCHAR(20) NOT NULL)`,
  )
  await pool.query(
    `CREATE TABLE demo_order_items (${ID_COLUMN[kind]}, order_id BIGINT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL)`,
  )
  await pool.transaction(async (tx) => {
    for (let id = 1; id <= products; id++) {
      await tx.query(`INSERT INTO demo_products (id, name, price_cents) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [id, `product ${id}`, 100 + ((id * 37) % 900)])
      await tx.query(`INSERT INTO demo_inventory (product_id, available) VALUES (${p(1)}, ${p(2)})`, [id, stockPerProduct])
    }
  })
}
