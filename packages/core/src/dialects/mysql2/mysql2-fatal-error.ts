/**
 * Tells a connection-level failure of mysql2 from an error of the statement.
 *
 * mysql2 marks what it knows to be fatal with `error.fatal = true` (socket
 * errors, protocol errors, lost connections, commands on a closed
 * connection). Some fatal conditions reach a query's callback as an ordinary
 * server error packet, though, and carry no such flag: those are listed here
 * by number, since mysql2 has no code name for MariaDB-only errors.
 */

const FATAL_CODES: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'PROTOCOL_UNEXPECTED_PACKET',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

const FATAL_SERVER_ERRNOS: ReadonlySet<number> = new Set([
  1053, // ER_SERVER_SHUTDOWN: the server is going away
  1153, // ER_NET_PACKET_TOO_LARGE: the server drops the connection after reporting it
  1927, // ER_CONNECTION_KILLED (MariaDB): "Connection was killed"
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+): wait_timeout closed the session
])

// mysql2 raises these without a code
const CLOSED_STATE = /^Can't (add new command when connection is|write) in closed state/

/** True when `error` means the mysql2 connection it came from can no longer be used. */
export function isMysql2FatalError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  const { fatal, code, errno, message } = error as { fatal?: unknown; code?: unknown; errno?: unknown; message?: unknown }
  if (fatal === true) return true
  if (typeof code === 'string' && FATAL_CODES.has(code)) return true
  if (typeof errno === 'number' && FATAL_SERVER_ERRNOS.has(errno)) return true
  return typeof message === 'string' && CLOSED_STATE.test(message)
}
