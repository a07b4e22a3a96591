import { SluiceError } from './sluice-error.js'

/**
 * The circuit breaker of a database node (the primary or a replica) is open:
 * the call failed at once, without touching the node. `retryAfterMillis`
 * says when the breaker next lets a probe through; `cause` is the last
 * transport failure that counted against the node.
 */
export class CircuitOpenError extends SluiceError {
  /** The node's name (`sluice`, `sluice/replica-1`). */
  readonly node: string
  /** When the breaker opened, in ms since the epoch. */
  readonly openedAt: number
  /** How long until the breaker lets a probe through (0 while one is under way). */
  readonly retryAfterMillis: number

  constructor(node: string, openedAt: number, retryAfterMillis: number, lastError: Error | undefined) {
    const why = lastError ? `; last failure: ${lastError.message}` : ''
    const since = new Date(openedAt).toISOString()
    super('SLUICE_CIRCUIT_OPEN', `${node}: circuit breaker open since ${since}, retry in ${Math.ceil(retryAfterMillis)}ms${why}`, lastError === undefined ? undefined : { cause: lastError })
    this.node = node
    this.openedAt = openedAt
    this.retryAfterMillis = retryAfterMillis
  }
}
