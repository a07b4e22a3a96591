/**
 * Where the integration tests find their servers. `pnpm test` prepares these
 * (test/prepare-databases.mjs) and fails loudly when a server does not answer.
 */
export const PG_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice'
export const MYSQL_URL = process.env.SLUICE_TEST_MYSQL_URL ?? 'mysql://sluice:sluice-secret@127.0.0.1:3306/sluice'
/** Superuser connections, for tests that kill other sessions. */
export const PG_ADMIN_URL = process.env.SLUICE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/sluice'
export const MYSQL_ADMIN_URL = process.env.SLUICE_TEST_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/sluice'
/** The password in the URLs above, which must never appear in errors, logs or stats. */
export const TEST_PASSWORD = 'sluice-secret'

/** Started by test/services/all.sh: streaming / GTID replicas and PgBouncer in transaction mode. */
export const PG_REPLICA_URL = process.env.SLUICE_TEST_PG_REPLICA_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5433/sluice'
export const MYSQL_REPLICA_URL = process.env.SLUICE_TEST_MYSQL_REPLICA_URL ?? 'mysql://sluice:sluice-secret@127.0.0.1:3307/sluice'
export const PGBOUNCER_URL = process.env.SLUICE_TEST_PGBOUNCER_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:6432/sluice'
/** Superuser connections to the replicas, for pausing replay. */
export const PG_REPLICA_ADMIN_URL = 'postgres://postgres@127.0.0.1:5433/sluice'
export const MYSQL_REPLICA_ADMIN_URL = 'mysql://root@127.0.0.1:3307/sluice'
