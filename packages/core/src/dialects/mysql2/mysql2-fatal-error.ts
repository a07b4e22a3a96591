import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import { classifyNested, permanentSocketReason } from '../connect-error-codes.js'

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

/** Server errors at connect that retrying cannot fix, by number (MariaDB and MySQL share them). */
const PERMANENT_CONNECT_ERRNOS: ReadonlyMap<number, PermanentConnectReason> = new Map([
  [1044, 'authentication'], // ER_DBACCESS_DENIED_ERROR: no access to that database
  [1045, 'authentication'], // ER_ACCESS_DENIED_ERROR: wrong user or password
  [1130, 'authentication'], // ER_HOST_NOT_PRIVILEGED: this host may not connect
  [1251, 'authentication'], // ER_NOT_SUPPORTED_AUTH_MODE
  [1698, 'authentication'], // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  [1862, 'authentication'], // ER_MUST_CHANGE_PASSWORD_LOGIN
  [1049, 'unknown-database'], // ER_BAD_DB_ERROR
  [3159, 'tls'], // ER_SECURE_TRANSPORT_REQUIRED (MySQL): TLS is required
])

/**
 * Why a mysql2 connect error can never succeed as configured, or
 * `'transient'`: access denied and unknown database by server error number,
 * TLS the server cannot do (or a certificate that fails), an unknown host.
 * Refused, reset, timed out, 1040 (too many connections), 1203 (too many for
 * this user) and 1129 (host blocked until FLUSH HOSTS) are transient.
 */
export function classifyMysql2ConnectError(error: unknown): PermanentConnectReason | 'transient' {
  return classifyNested(error, mysql2PermanentReason)
}

function mysql2PermanentReason(error: Record<string, unknown>): PermanentConnectReason | undefined {
  const { errno, code, message } = error
  const byNumber = typeof errno === 'number' ? PERMANENT_CONNECT_ERRNOS.get(errno) : undefined
  if (byNumber !== undefined) return byNumber
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || (typeof message === 'string' && message.startsWith('Unknown SSL profile'))) return 'tls'
  return permanentSocketReason(code)
}
