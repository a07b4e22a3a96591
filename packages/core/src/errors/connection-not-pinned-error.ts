import { SluiceError } from './sluice-error.js'

/** The driver connection of an `acquire({ target: 'auto' })` handle was asked for before any statement pinned one. */
export class ConnectionNotPinnedError extends SluiceError {
  constructor() {
    super('SLUICE_NOT_PINNED', 'A routed connection has no driver connection until a statement pins one; call pin() first')
  }
}
