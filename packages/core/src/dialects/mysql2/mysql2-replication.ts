/**
 * Replication positions on MariaDB, for read-your-writes and replica lag: a
 * GTID position (`0-1-42`, or several domains `0-1-42,1-2-7`).
 */

/**
 * The primary's binlog position after this session's commit: the last GTID
 * of every replication domain. Not `@@last_gtid`, which names one domain
 * only: a scope that wrote in two domains (or whose earlier write's position
 * was not known) must wait for both.
 */
export const WRITE_POSITION_SQL = 'SELECT @@gtid_binlog_pos AS gtid'

/** What a replica has applied. */
export const REPLAY_POSITION_SQL = 'SELECT @@gtid_slave_pos AS gtid'

/** True when a replica at `replayed` has applied every domain's sequence in `written`. */
export function gtidReached(replayed: string, written: string): boolean {
  const applied = parseGtids(replayed)
  for (const [domain, sequence] of parseGtids(written)) {
    if ((applied.get(domain) ?? -1n) < sequence) return false
  }
  return true
}

/** domain -> highest sequence number; the server id in the middle does not order anything. */
function parseGtids(position: string): Map<string, bigint> {
  const byDomain = new Map<string, bigint>()
  for (const gtid of position.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [domain, , sequence] = gtid.split('-')
    if (domain === undefined || sequence === undefined) throw new TypeError(`not a GTID: ${JSON.stringify(gtid)}`)
    const seq = BigInt(sequence)
    if (seq > (byDomain.get(domain) ?? -1n)) byDomain.set(domain, seq)
  }
  return byDomain
}

/**
 * Lag from `SHOW SLAVE STATUS`: undefined when the server is not a replica,
 * Infinity while a replication thread is stopped, else Seconds_Behind_Master in ms.
 */
export function lagFromSlaveStatus(row: Record<string, unknown> | undefined): number | undefined {
  if (!row) return undefined
  if (row.Slave_IO_Running !== 'Yes' || row.Slave_SQL_Running !== 'Yes') return Number.POSITIVE_INFINITY
  const seconds = row.Seconds_Behind_Master
  return seconds === null || seconds === undefined ? Number.POSITIVE_INFINITY : Number(seconds) * 1000
}
