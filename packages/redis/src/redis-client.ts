/**
 * The subset of an `ioredis` client that `sharedBreaker()` uses. We don't
 * use ioredis' own types here: a structural subset accepts ioredis 5 and 6
 * (and a cluster client's node) without type friction, and spells out how
 * little we ask of the application's client. Commands go through `call()`;
 * the subscription runs on a `duplicate()` of the client, since a
 * subscribed connection can send nothing else.
 */
export interface RedisClient {
  /** Sends one command (`SET`, `PUBLISH`, `EVAL`) and resolves with Redis' reply. */
  call(command: string, ...args: Array<string | number>): Promise<unknown>
  /** A new connection with the same options. */
  duplicate(): RedisSubscriber
}

/** The duplicated connection that listens to the breaker channel. */
export interface RedisSubscriber {
  subscribe(...channels: string[]): Promise<unknown>
  /** `'message'` (channel, message), `'error'` (error). */
  on(event: string, listener: (...args: any[]) => void): unknown
  /** Closes the connection at once, whatever is queued. */
  disconnect(): void
}
