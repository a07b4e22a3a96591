import { SluiceError } from './sluice-error.js'

/**
 * A connection given back could not be made safe for its next borrower in
 * `healthCheckTimeoutMillis`: its borrower's statements were still running,
 * or the rollback (reset) did not answer. The connection is closed. Reported
 * through the log, never thrown to a caller.
 */
export class ResetTimeoutError extends SluiceError {
  constructor(connectionId: string, timeoutMillis: number, stage: 'drain' | 'reset') {
    const what = stage === 'drain' ? 'statements still running at release' : 'reset'
    super('SLUICE_RESET_TIMEOUT', `${what} on ${connectionId} timed out after ${timeoutMillis}ms`)
  }
}
