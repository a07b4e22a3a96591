/**
 * Where the suite finds its databases: the same servers and credentials as
 * the integration tests (packages/core/test/support/databases.ts), overridable
 * per run.
 */
export const PG_URL = process.env.BENCH_PG_URL ?? process.env.SLUICE_TEST_PG_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice'
export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? process.env.SLUICE_TEST_MYSQL_URL ?? 'mysql://sluice:sluice-secret@127.0.0.1:3306/sluice'

/** Rows in bench_accounts, the point-select table (PostgreSQL and MySQL alike). */
export const ACCOUNT_ROWS = 10_000

/** Every pool in the DB scenarios gets this many connections, as the issue fixes it. */
export const POOL_MAX = 10

/** The balance the seed gives account `id`, so that a point select can be checked exactly. */
export function expectedBalance(id: number): number {
  return (id * 7919) % 100_000
}

/** A uniformly random account id, 1..ACCOUNT_ROWS. */
export function randomAccountId(): number {
  return 1 + Math.floor(Math.random() * ACCOUNT_ROWS)
}
