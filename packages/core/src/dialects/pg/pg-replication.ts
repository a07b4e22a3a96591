/**
 * Replication positions on PostgreSQL, for read-your-writes and replica lag:
 * a WAL LSN (`16/B374D848`) written on the primary, replayed on a standby.
 */

/**
 * Where the primary's WAL stands after this session's commit. Undefined on a
 * standby. The insert position, not `pg_current_wal_lsn()` (the write
 * position): with `synchronous_commit = off` a commit returns before its
 * record is written, so the write position can be behind the commit and a
 * standby that replayed up to it would be judged caught up too early. The
 * insert position is at or past the end of every record inserted so far,
 * the commit's included.
 */
export const WRITE_POSITION_SQL = 'SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_insert_lsn()::text END AS lsn'

/** How far a standby has replayed. Undefined on a primary. */
export const REPLAY_POSITION_SQL = 'SELECT pg_last_wal_replay_lsn()::text AS lsn'

/**
 * A standby's lag in ms: 0 when it has replayed all it received, else the age
 * of the last replayed transaction; -1 when replay is paused (shown as
 * Infinity); NULL on a primary. "All it received" is `>=`, not `=`: after a
 * standby restarts, the receive position reads as the start of the WAL
 * segment streaming resumed from, behind what was already replayed, until
 * the primary writes again; on a quiet primary that lasted as long as nobody
 * wrote, and the replica stayed out of the rotation all that time.
 */
export const REPLICA_LAG_SQL = `SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN NULL
  WHEN pg_is_wal_replay_paused() THEN -1
  WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0)
END AS lag`

/** True when a standby at `replayed` has applied everything up to `written`. */
export function lsnReached(replayed: string, written: string): boolean {
  return parseLsn(replayed) >= parseLsn(written)
}

function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/')
  if (high === undefined || low === undefined) throw new TypeError(`not a WAL position: ${JSON.stringify(lsn)}`)
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`)
}

export function lagFromRow(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined
  const lag = Number(value)
  return lag < 0 ? Number.POSITIVE_INFINITY : lag
}
