import { SluiceError } from './sluice-error.js'

/** A message to `pool.process()` that cannot be carried out; names the operation and the field. */
export class OperationError extends SluiceError {
  readonly operation: string
  readonly field: string | undefined

  constructor(operation: string, message: string, field?: string) {
    super('SLUICE_OPERATION', `process({ operation: ${JSON.stringify(operation)} }): ${message}`)
    this.operation = operation
    this.field = field
  }
}
