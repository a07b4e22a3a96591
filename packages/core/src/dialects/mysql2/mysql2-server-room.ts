import type { ServerRoom } from '../../dialect.js'

/** The server's connection limit. MySQL keeps one extra connection for SUPER beyond it, so nothing is taken off. */
export const MAX_CONNECTIONS_SQL = 'SELECT @@max_connections AS max_connections'
/** Client connections open now (MySQL and MariaDB both answer it; `information_schema.GLOBAL_STATUS` is gone from MySQL 8). */
export const THREADS_CONNECTED_SQL = "SHOW GLOBAL STATUS LIKE 'Threads_connected'"

export function serverRoomFrom(limitRow: Record<string, unknown> | undefined, statusRow: Record<string, unknown> | undefined): ServerRoom {
  if (limitRow === undefined || statusRow === undefined) throw new Error('the server room queries returned no row')
  // the status row's columns are Variable_name and Value
  return { maxConnections: Number(limitRow.max_connections), reservedForSuperuser: 0, inUse: Number(statusRow.Value ?? statusRow.VALUE) }
}
