import type { Lease } from '../connection/lease.js'
import type { Dialect } from '../dialect.js'
import type { PoolCounters } from '../metrics/pool-counters.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'

/**
 * What pipelines need from the pool that made them: connections through the
 * pool's own `acquire()` (so sizing, waiting, health and lifetime rules all
 * apply), the dialect, and the counters `stats()` reports from.
 *
 * @internal
 */
export interface PipelineHost {
  readonly name: string
  readonly dialect: Dialect<any>
  readonly clock: Clock
  readonly counters: PoolCounters
  readonly queryTimeoutMillis: number
  /** The pool's `max`: how many batches a `parallel` pipeline runs at once at most. */
  readonly maxConnections: number
  readonly log: Logger
  acquire(): Promise<Lease>
}
