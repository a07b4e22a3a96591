import { SluiceError } from './sluice-error.js'

/**
 * A health check of an idle connection did not answer in
 * `healthCheckTimeoutMillis`. The check may still be running there, so the
 * connection is closed. Reported through the log, never thrown to a caller.
 */
export class HealthCheckTimeoutError extends SluiceError {
  constructor(connectionId: string, timeoutMillis: number) {
    super('SLUICE_HEALTH_CHECK_TIMEOUT', `health check of ${connectionId} timed out after ${timeoutMillis}ms`)
  }
}
