import { SluiceError } from './sluice-error.js'

/** A workflow scope used wrongly: an unknown or already started id, an empty name. */
export class WorkflowError extends SluiceError {
  constructor(message: string) {
    super('SLUICE_WORKFLOW', message)
  }
}
