/**
 * How the breakers of one node (a database primary or replica) in many
 * application instances share their state, e.g. through Redis
 * (`sharedBreaker()` of `@sluice/redis`). The engine never depends on how:
 * every call here must return at once and never throw; whatever the
 * transport cannot do in time, each instance decides with its local breaker.
 */
export interface BreakerSharing {
  /** Starts sharing the breaker of `node` (the pool's name, or `name/replica-N`); `peer` applies what other instances decide. */
  join(node: string, peer: BreakerPeer): SharedBreakerNode
}

/** What another instance's verdict does to this instance's breaker. */
export interface BreakerPeer {
  /** Another instance opened the breaker; probe no sooner than `retryAtEpochMillis`. */
  opened(retryAtEpochMillis: number, lastError: string): void
  /** Another instance's ping answered: let trial calls through here too (half-open, no ping of its own). */
  probed(): void
  /** Another instance's trial calls succeeded: the node serves again. */
  closed(): void
}

/** One node's shared channel, as the breaker uses it. */
export interface SharedBreakerNode {
  /** This instance opened (or re-opened) the breaker until `retryAtEpochMillis`. */
  publishOpen(retryAtEpochMillis: number, lastError: string): void
  /** This instance's ping answered: the others may let trial calls through. */
  publishProbed(): void
  /** This instance's trial calls succeeded and it closed the breaker. */
  publishClose(): void
  /**
   * Asks to be the one instance that probes the node now, for at most
   * `ttlMillis`. Resolves `false` when another instance holds the probe (wait
   * for its verdict), `true` otherwise, including when the transport is slow
   * or down (then each instance probes for itself). Never rejects.
   */
  claimProbe(ttlMillis: number): Promise<boolean>
  /** Stops sharing (the pool closed). */
  leave(): void
}
