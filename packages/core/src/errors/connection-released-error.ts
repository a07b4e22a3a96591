import { SluiceError } from './sluice-error.js'

/** A borrower used a connection handle after giving it back (or gave it back twice). */
export class ConnectionReleasedError extends SluiceError {
  constructor(connectionId: string, operation: string) {
    super(
      'SLUICE_CONNECTION_RELEASED',
      `Cannot ${operation} connection ${connectionId}: it has already been released to the pool`,
    )
  }
}
