import type { ServerRoom } from '../../dialect.js'

/**
 * The server's connection limit, what it keeps for superusers
 * (`reserved_connections` exists from PostgreSQL 16; NULL before), and the
 * client backends open now (background workers do not take a slot of
 * `max_connections`).
 */
export const SERVER_ROOM_SQL = `SELECT current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int
    + COALESCE(current_setting('reserved_connections', true)::int, 0) AS reserved,
  (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS in_use`

export function serverRoomFromRow(row: Record<string, unknown> | undefined): ServerRoom {
  if (row === undefined) throw new Error('the server room query returned no row')
  return { maxConnections: Number(row.max_connections), reservedForSuperuser: Number(row.reserved), inUse: Number(row.in_use) }
}
