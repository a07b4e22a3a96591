/** Base class of every error Sluice itself raises. Driver errors pass through unwrapped. */
export class SluiceError extends Error {
  /** A stable machine-readable code, e.g. `SLUICE_POOL_TIMEOUT`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}
