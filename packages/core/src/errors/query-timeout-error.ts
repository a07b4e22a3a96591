import { SluiceError } from './sluice-error.js'

/**
 * A statement ran longer than its `timeoutMillis`. The connection it ran on is
 * destroyed when released, since the statement may still be running there.
 */
export class QueryTimeoutError extends SluiceError {
  constructor(connectionId: string, timeoutMillis: number) {
    super('SLUICE_QUERY_TIMEOUT', `Query on connection ${connectionId} timed out after ${timeoutMillis}ms`)
  }
}
