import { SluiceError } from './sluice-error.js'

/** A call got an argument it cannot use; the message names the call and the argument. */
export class ArgumentError extends SluiceError {
  /** The argument at fault (`sql`). */
  readonly argument: string

  constructor(call: string, argument: string, rule: string) {
    super('SLUICE_ARGUMENT', `${call}: ${argument} ${rule}`)
    this.argument = argument
  }
}
