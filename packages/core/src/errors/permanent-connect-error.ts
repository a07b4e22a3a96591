import { SluiceError } from './sluice-error.js'

export const PERMANENT_CONNECT_REASONS = ['authentication', 'unknown-database', 'tls', 'unknown-host', 'configuration'] as const
/**
 * Why a connect can never succeed as configured, as the dialect tells it:
 * the user or password is refused (`authentication`), the database or role
 * does not exist (`unknown-database`), TLS cannot be set up as asked (`tls`),
 * the host name does not resolve (`unknown-host`), or the driver refuses the
 * options themselves (`configuration`).
 */
export type PermanentConnectReason = (typeof PERMANENT_CONNECT_REASONS)[number]

const ADVICE: Record<PermanentConnectReason, string> = {
  authentication: 'check the user and password',
  'unknown-database': 'check the database (and role) name',
  tls: 'check the ssl options and the server certificate',
  'unknown-host': 'check the host name',
  configuration: 'check the dialect options',
}

/**
 * A connect failed in a way that retrying cannot fix (bad password, unknown
 * database or role, TLS misconfiguration, unknown host). Waiting acquires
 * get it at once instead of waiting out `acquireTimeoutMillis`; `cause` is
 * the driver's error. The message names the database (never the password)
 * and what to check.
 */
export class PermanentConnectError extends SluiceError {
  readonly reason: PermanentConnectReason
  /** Where the pool connects, without secrets. */
  readonly database: string

  constructor(poolName: string, database: string, reason: PermanentConnectReason, cause: Error) {
    super('SLUICE_CONNECT_PERMANENT', `${poolName}: cannot connect to ${database}: ${cause.message} (${ADVICE[reason]}; not retried automatically)`, { cause })
    this.reason = reason
    this.database = database
  }
}
