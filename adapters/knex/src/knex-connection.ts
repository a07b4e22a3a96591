import type { PoolConnection } from '@sluice/core'

/**
 * What Knex holds as "the connection" while a query, stream or transaction
 * runs: one lease of a Sluice connection, plus the fields Knex writes on the
 * connections it holds (`__knexUid`, `__knexTxId`, `__knex__disposed`). Knex
 * never touches the driver's connection directly; every statement goes
 * through `lease.execute()` or `lease.stream()`.
 *
 * ```ts
 * knex.on('query', ({ __knexUid }) => console.log(`ran on ${__knexUid}`)) // 'conn-3', as in sluiceOf(knex).stats()
 * ```
 */
export class SluiceKnexConnection {
  readonly lease: PoolConnection
  /** The pooled connection's id, so Knex's `query` events name the same connection as Sluice's stats. */
  readonly __knexUid: string
  /** Set by Knex while a transaction holds this connection. */
  __knexTxId?: string
  /** Set by Knex when the connection must not be reused (a query timed out on it); it is closed on release. */
  __knex__disposed?: unknown
  /** @internal */
  released = false

  constructor(lease: PoolConnection) {
    this.lease = lease
    // a routed connection has no pooled connection of its own until it pins one
    this.__knexUid = lease.id === 'routed' ? `routed-${++routedSequence}` : lease.id
  }
}

/** The lease behind a connection Knex passes back to the client. */
export function leaseOf(connection: unknown): PoolConnection {
  if (connection instanceof SluiceKnexConnection) return connection.lease
  throw new TypeError(
    '@sluice/knex: this connection was not lent by Sluice; pass connections from knex.client.acquireConnection() (or a transaction), not a driver connection',
  )
}

let routedSequence = 0

const RESOLVED = Promise.resolve()

/**
 * Gives a connection back exactly once. Knex releases a streamed connection
 * twice (when the stream closes and when the query's promise settles), so a
 * second release is a no-op rather than the `ConnectionReleasedError` a lease
 * would throw. Never rejects: Knex does not always await it. Synchronous
 * underneath, so that the connection is back before the caller's next step.
 */
export function releaseConnection(connection: unknown): Promise<void> {
  if (!(connection instanceof SluiceKnexConnection) || connection.released) return RESOLVED
  connection.released = true
  const { lease } = connection
  // the pool may have taken it back already, when it was closed under us
  if (lease.released) return RESOLVED
  const disposed = connection.__knex__disposed
  // a stream being torn down may still hold the connection: the pool waits for it before lending it again
  if (disposed === undefined || disposed === null || disposed === false) lease.release()
  else lease.destroy(disposed instanceof Error ? disposed : new Error(String(disposed)))
  return RESOLVED
}
