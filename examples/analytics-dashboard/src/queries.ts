import type { Pool } from '@sluice/core'

/** The seed's dashboard queries: each a read, so `pool.query()` sends it to a replica. */
export const DASHBOARD_QUERIES = {
  activeUsers: {
    sql: `SELECT COUNT(DISTINCT user_id) AS count FROM analytics_user_activity WHERE "timestamp" > now() - INTERVAL '5 minutes'`,
    fetch: 'one',
  },
  revenueToday: {
    sql: `SELECT COALESCE(SUM(amount), 0) AS total FROM analytics_transactions WHERE created_at >= CURRENT_DATE AND status = 'completed'`,
    fetch: 'one',
  },
  topProducts: {
    sql: `SELECT p.product_name, SUM(oi.quantity) AS units_sold
          FROM analytics_order_items oi JOIN analytics_products p ON oi.product_id = p.id
          WHERE oi.created_at >= CURRENT_DATE - INTERVAL '7 days'
          GROUP BY p.product_name ORDER BY units_sold DESC, p.product_name LIMIT 10`,
    fetch: 'all',
  },
  errorRate: {
    sql: `SELECT COALESCE(COUNT(CASE WHEN status = 'error' THEN 1 END)::float / NULLIF(COUNT(*), 0)::float, 0) AS error_rate
          FROM analytics_api_requests WHERE "timestamp" > now() - INTERVAL '1 hour'`,
    fetch: 'one',
  },
} as const

export interface DashboardRound {
  readonly round: number
  readonly activeUsers: number
  readonly revenueToday: number
  readonly topProducts: ReadonlyArray<{ readonly product: string; readonly unitsSold: number }>
  readonly errorRate: number
  /** Wall time of the four queries, run at once. */
  readonly millis: number
}

/** One refresh of the dashboard: the four aggregates concurrently, each on its own connection. */
export async function refresh(pool: Pool, round: number): Promise<DashboardRound> {
  const started = performance.now()
  const q = DASHBOARD_QUERIES
  const [active, revenue, top, errors] = await Promise.all([
    pool.query<{ count: string }>(q.activeUsers.sql, [], { fetch: 'one' }),
    pool.query<{ total: string }>(q.revenueToday.sql, [], { fetch: 'one' }),
    pool.query<{ product_name: string; units_sold: string }>(q.topProducts.sql),
    pool.query<{ error_rate: number }>(q.errorRate.sql, [], { fetch: 'one' }),
  ])
  return {
    round,
    activeUsers: Number(active?.count ?? 0),
    revenueToday: Number(revenue?.total ?? 0),
    topProducts: top.map((row) => ({ product: row.product_name, unitsSold: Number(row.units_sold) })),
    errorRate: Number(errors?.error_rate ?? 0),
    millis: performance.now() - started,
  }
}
