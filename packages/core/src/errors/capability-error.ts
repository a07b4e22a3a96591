import { SluiceError } from './sluice-error.js'

/** A call needs a capability the dialect does not have (streaming on a dialect without `stream`). */
export class CapabilityError extends SluiceError {
  constructor(message: string) {
    super('SLUICE_UNSUPPORTED', message)
  }
}
