import type { Lease, StatementObserver } from '../connection/lease.js'
import type { StatementHost } from '../connection/run-statement.js'
import type { Logger } from '../util/logger.js'

/**
 * What pipelines need from the pool that made them: connections through the
 * pool's own `acquire()` (so sizing, waiting, health and lifetime rules all
 * apply), the dialect, and the counters `stats()` reports from.
 *
 * @internal
 */
export interface PipelineHost extends StatementHost {
  readonly name: string
  readonly queryTimeoutMillis: number
  /** The pool's `max`: how many batches a `parallel` pipeline runs at once at most. */
  readonly maxConnections: number
  readonly log: Logger
  /** Borrows a connection: the pool's internal `acquireLease()`. */
  acquire(): Promise<Lease>
  /** The router's read-your-writes, told of the pipeline's writes; none on a pool without replicas. */
  readonly observer?: StatementObserver | undefined
}
