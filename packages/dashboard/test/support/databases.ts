/**
 * The servers of the integration tests, as core's suites find them (the
 * SLUICE_TEST_* variables of a helper's worktree point at its own database).
 */
export { MYSQL_URL, PG_REPLICA_URL, PG_URL, TEST_PASSWORD } from '../../../core/test/support/databases.js'
