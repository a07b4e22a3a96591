import type { Pool } from '@sluice/core'

/**
 * The seed's analytics tables (prefixed, to share a database with other
 * apps), filled with a deterministic history around now: activity of the
 * last hour, a week of orders, today's transactions and API requests.
 */
export async function createAnalyticsSchema(pool: Pool, scale = 1): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS analytics_order_items, analytics_products, analytics_user_activity, analytics_transactions, analytics_api_requests')
  await pool.query('CREATE TABLE analytics_products (id INTEGER PRIMARY KEY, product_name TEXT NOT NULL)')
  await pool.query('CREATE TABLE analytics_order_items (id BIGSERIAL PRIMARY KEY, product_id INTEGER NOT NULL REFERENCES analytics_products(id), quantity INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL)')
  await pool.query('CREATE TABLE analytics_user_activity (id BIGSERIAL PRIMARY KEY, user_id INTEGER NOT NULL, "timestamp" TIMESTAMPTZ NOT NULL)')
  await pool.query('CREATE INDEX ON analytics_user_activity ("timestamp")')
  await pool.query("CREATE TABLE analytics_transactions (id BIGSERIAL PRIMARY KEY, amount NUMERIC(12, 2) NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)")
  await pool.query('CREATE TABLE analytics_api_requests (id BIGSERIAL PRIMARY KEY, status TEXT NOT NULL, "timestamp" TIMESTAMPTZ NOT NULL)')
  // generate_series keeps the history in a few statements; every value is a bound parameter or derived from the series
  await pool.query("INSERT INTO analytics_products (id, product_name) SELECT i, 'product ' || i FROM generate_series(1, 40) AS i")
  await pool.query(
    `INSERT INTO analytics_order_items (product_id, quantity, created_at)
     SELECT 1 + (i * 7) % 40, 1 + i % 4, now() - make_interval(secs => (i * 97) % (7 * 86400)) FROM generate_series(1, $1::int) AS i`,
    [2_000 * scale],
  )
  await pool.query(
    `INSERT INTO analytics_user_activity (user_id, "timestamp")
     SELECT 1 + (i * 31) % 500, now() - make_interval(secs => (i * 13) % 3600) FROM generate_series(1, $1::int) AS i`,
    [3_000 * scale],
  )
  await pool.query(
    `INSERT INTO analytics_transactions (amount, status, created_at)
     SELECT (i % 200) + 0.99, CASE WHEN i % 9 = 0 THEN 'refunded' ELSE 'completed' END, date_trunc('day', now()) + make_interval(secs => i % 3600)
     FROM generate_series(1, $1::int) AS i`,
    [1_000 * scale],
  )
  await pool.query(
    `INSERT INTO analytics_api_requests (status, "timestamp")
     SELECT CASE WHEN i % 25 = 0 THEN 'error' ELSE 'ok' END, now() - make_interval(secs => (i * 11) % 3600) FROM generate_series(1, $1::int) AS i`,
    [2_000 * scale],
  )
}

/** New activity while the dashboard runs, as a live app would write it (on the primary). */
export async function recordActivity(pool: Pool, users: readonly number[]): Promise<void> {
  await pool.transaction(async (tx) => {
    for (const user of users) {
      await tx.query('INSERT INTO analytics_user_activity (user_id, "timestamp") VALUES ($1, now())', [user])
      await tx.query(`INSERT INTO analytics_api_requests (status, "timestamp") VALUES ($1, now())`, [user % 25 === 0 ? 'error' : 'ok'])
    }
  })
}
