import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
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
 * `fn` ends: every test run shares these replicas. Test files run in
 * parallel, so the pause is taken under the replica's lock: another file's
 * resume must not end this pause half way.
 */
export function withReplayPaused<T>(cluster: ReplicaCluster, fn: () => Promise<T>): Promise<T> {
  return withReplicaLock(cluster, async () => {
    await adminRun(cluster.replicaAdmin(), cluster.pauseSql)
    try {
      return await fn()
    } finally {
      await adminRun(cluster.replicaAdmin(), cluster.resumeSql)
    }
  })
}

/** A lock older than this belongs to a run that died without letting go. */
const STALE_LOCK_MILLIS = 600_000

/**
 * Runs `fn` holding the replica's lock (see `holdReplicaLock`).
 */
export async function withReplicaLock<T>(cluster: ReplicaCluster, fn: () => Promise<T>): Promise<T> {
  const release = await holdReplicaLock(cluster)
  try {
    return await fn()
  } finally {
    await release()
  }
}

/** How long a suite waits for the replica's lock: another suite may be stopping and restarting it. */
export const REPLICA_LOCK_WAIT_MILLIS = 300_000

/**
 * Holds the replica's lock for the whole suite (`describe`): call it first
 * in the suite, before its other hooks, so that the lock is taken before
 * they run and given back after them.
 */
export function lockReplicaForSuite(cluster: ReplicaCluster): void {
  let release: (() => Promise<void>) | undefined
  // hooks after a suite run last-registered first: this one runs after the suite's own
  afterAll(() => release?.())
  beforeAll(async () => {
    release = await holdReplicaLock(cluster, REPLICA_LOCK_WAIT_MILLIS - 10_000)
  }, REPLICA_LOCK_WAIT_MILLIS)
}

/** Locks this test file holds, by replica: a file that holds one may take it again (a pause inside a suite that holds it). */
const held = new Map<string, { count: number }>()

/**
 * Takes the replica's lock, which every test that pauses or stops a shared
 * replica, or relies on it keeping up, holds: test files run in parallel,
 * and another file's pause (or its resume) must not land in the middle.
 * Across processes: a directory in the temp folder, created atomically.
 * Waits for a holder to finish; takes over a lock whose process is gone or
 * that is older than `STALE_LOCK_MILLIS`. Returns the release.
 *
 * ```ts
 * let release: () => Promise<void>
 * beforeAll(async () => (release = await holdReplicaLock(cluster)))
 * afterAll(() => release?.())
 * ```
 */
export async function holdReplicaLock(cluster: ReplicaCluster, waitMillis = 240_000): Promise<() => Promise<void>> {
  const lock = join(tmpdir(), `sluice-test-replica-${cluster.name}.lock`)
  let entry = held.get(cluster.name)
  if (entry === undefined) {
    const deadline = Date.now() + waitMillis
    for (;;) {
      try {
        await mkdir(lock)
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        if (await abandoned(lock)) await rm(lock, { recursive: true, force: true })
        else if (Date.now() > deadline) throw new Error(`timed out waiting for the ${cluster.name} replica's lock (${lock})`, { cause: error })
        else await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await writeFile(join(lock, 'pid'), String(process.pid))
    entry = { count: 0 }
    held.set(cluster.name, entry)
  }
  entry.count++
  const taken = entry
  let released = false
  return async () => {
    if (released) return
    released = true
    if (--taken.count > 0) return
    held.delete(cluster.name)
    await rm(lock, { recursive: true, force: true })
  }
}

async function abandoned(lock: string): Promise<boolean> {
  try {
    if (Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MILLIS) return true
    const pid = Number(await readFile(join(lock, 'pid'), 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) return false
    process.kill(pid, 0)
    return false
  } catch (error) {
    // no such process: its holder died; no pid file yet: it is being taken right now
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/**
 * Holds the named replicas' locks for the whole test file, for a file that
 * needs them in rotation (caught up, not stopped): another file's pause or
 * stop must not land in its middle. Always in REPLICA_CLUSTERS' order, so
 * two files never each hold one and wait for the other.
 */
export function lockReplicasForFile(...names: ReadonlyArray<ReplicaCluster['name']>): void {
  for (const cluster of REPLICA_CLUSTERS) if (names.includes(cluster.name)) lockReplicaForSuite(cluster)
}
