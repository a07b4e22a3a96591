import type { Dialect } from '../../src/dialect.js'
import { mysql } from '../../src/dialects/mysql2/index.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { MYSQL_REPLICA_ADMIN_URL, MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_ADMIN_URL, PG_REPLICA_URL, PG_URL } from './databases.js'

/** A primary and its real replica (test/services), with what differs between PostgreSQL and MariaDB. */
export interface ReplicaCluster {
  readonly name: 'postgres' | 'mysql'
  primary(): Dialect<any>
  replica(): Dialect<any>
  /** A superuser on the replica, who may pause and resume its replay. */
  replicaAdmin(): Dialect<any>
  /** The test/services script that stops and starts the replica. */
  readonly script: string
  readonly pauseSql: string
  readonly resumeSql: string
  /** The n-th (1-based) placeholder. */
  p(n: number): string
  /** Which server answered: distinguishes primary from replica. */
  readonly whoAmISql: string
}

export const REPLICA_CLUSTERS: readonly ReplicaCluster[] = [
  {
    name: 'postgres',
    primary: () => postgres({ connectionString: PG_URL }),
    replica: () => postgres({ connectionString: PG_REPLICA_URL }),
    replicaAdmin: () => postgres({ connectionString: PG_REPLICA_ADMIN_URL }),
    script: 'pg-replica.sh',
    pauseSql: 'SELECT pg_wal_replay_pause()',
    resumeSql: 'SELECT pg_wal_replay_resume()',
    p: (n) => `$${n}`,
    whoAmISql: "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END AS who",
  },
  {
    name: 'mysql',
    primary: () => mysql({ connectionString: MYSQL_URL }),
    replica: () => mysql({ connectionString: MYSQL_REPLICA_URL }),
    replicaAdmin: () => mysql({ connectionString: MYSQL_REPLICA_ADMIN_URL }),
    script: 'mariadb-replica.sh',
    pauseSql: 'STOP SLAVE SQL_THREAD',
    resumeSql: 'START SLAVE SQL_THREAD',
    p: () => '?',
    whoAmISql: "SELECT IF(@@read_only, 'replica', 'primary') AS who",
  },
]

/**
 * Routing for read-your-writes tests against a paused replica. Checks run
 * once an hour, so a replica whose replay is paused stays in the rotation
 * (its lag is never measured again): only the scope's replication position
 * can keep a read off it. The window is 0, so a write whose position went
 * unnoticed would be read stale at once.
 */
export const PAUSED_REPLICA_ROUTING = Object.freeze({ replicaCheckIntervalMillis: 3_600_000, maxReplicaLagMillis: 3_600_000, readYourWritesWindowMillis: 0 })

/** Runs one statement on a connection of its own, outside any pool. */
export async function adminRun(dialect: Dialect<any>, sql: string): Promise<void> {
  const raw = await dialect.connect()
  try {
    await dialect.run(raw, sql, undefined, {})
  } finally {
    await dialect.close(raw)
  }
}

/**
 * Runs `fn` while the replica's replay is paused, and resumes it however
 * `fn` ends: every test run shares these replicas.
 */
export async function withReplayPaused<T>(cluster: ReplicaCluster, fn: () => Promise<T>): Promise<T> {
  await adminRun(cluster.replicaAdmin(), cluster.pauseSql)
  try {
    return await fn()
  } finally {
    await adminRun(cluster.replicaAdmin(), cluster.resumeSql)
  }
}
