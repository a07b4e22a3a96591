import type { PermanentConnectReason } from '../../errors/permanent-connect-error.js'
import { classifyNested, permanentSocketReason } from '../connect-error-codes.js'

/**
 * Tells a broken pg connection from an error of the statement: the server's
 * SQLSTATE decides where there is one (never its user-controlled message),
 * else the socket's error code or the client's own words for a lost
 * connection.
 */

/** SQLSTATEs outside class 08 after which the backend is gone. */
const FATAL_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, smart/fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '57P05', // idle_session_timeout: the server closes the session
  '25P03', // idle_in_transaction_session_timeout: the server closes the session
])

/** Node and pg socket-level error codes. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
])

/** Messages pg's client (not the server) uses for a connection that is gone. */
const CONNECTION_LOST_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'The server does not support SSL connections',
  'There was an error establishing an SSL connection',
  // pg's own connect timeout destroys the socket with this error
  'timeout expired',
])

/** True when `error` means the pg connection it came from can no longer be used. */
export function isFatalPgError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, severity, message, errors, cause } = error as Record<string, unknown>
  if (typeof severity === 'string' && typeof code === 'string') {
    // a server error: its SQLSTATE decides, never its (user-controlled) message
    return code.startsWith('08') || FATAL_SQLSTATES.has(code) || severity === 'FATAL' || severity === 'PANIC'
  }
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true
  if (typeof message === 'string' && CONNECTION_LOST_MESSAGES.has(message)) return true
  // net's happy-eyeballs connect fails with an AggregateError of per-address errors
  if (Array.isArray(errors) && errors.some((inner) => isFatalPgError(inner, depth + 1))) return true
  return depth < 3 && cause !== undefined && isFatalPgError(cause, depth + 1)
}

/** pg's own words for a TLS set-up that cannot work as configured. */
const TLS_MESSAGES = new Set(['The server does not support SSL connections', 'There was an error establishing an SSL connection'])

/**
 * Why a pg connect error can never succeed as configured, or `'transient'`:
 * SQLSTATE class 28 (password, no pg_hba entry, unknown role) and 42501 (no
 * CONNECT privilege) are authentication, 3D000 an unknown database; pg's
 * SASL complaints (no password given), TLS and DNS failures likewise.
 * Refused, reset, timed out, 53300 (too many connections) and 57P03 (starting
 * up, shutting down) are transient.
 */
export function classifyPgConnectError(error: unknown): PermanentConnectReason | 'transient' {
  return classifyNested(error, pgPermanentReason)
}

function pgPermanentReason(error: Record<string, unknown>): PermanentConnectReason | undefined {
  const { code, severity, message } = error
  if (typeof severity === 'string' && typeof code === 'string') {
    if (code.startsWith('28') || code === '42501') return 'authentication'
    return code === '3D000' ? 'unknown-database' : undefined
  }
  if (typeof message === 'string') {
    if (TLS_MESSAGES.has(message)) return 'tls'
    if (message.startsWith('SASL: ')) return 'authentication'
  }
  return permanentSocketReason(code)
}
