import { SluiceError } from './sluice-error.js'

/** The pool was closed (or is closing) and takes no more work. */
export class PoolClosedError extends SluiceError {
  constructor(poolName: string, operation: string) {
    super('SLUICE_POOL_CLOSED', `${poolName}: cannot ${operation}, the pool is closed`)
  }
}
