import { PREWARM_PERCENTILE } from '../config/defaults.js'
import { WorkflowError } from '../errors/workflow-error.js'
import type { PoolStats } from '../metrics/pool-stats.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import { WorkflowTracker } from './workflow-tracker.js'

export interface WorkflowCompletion {
  readonly workflowId: string
  /** Most connections the workflow held at once. */
  readonly peakConnections: number
  /** Connections it still held, which the pool released. */
  readonly leakedConnections: number
}

/** What workflows need of the pool. */
export interface WorkflowHost {
  readonly clock: Clock
  readonly log: Logger
  readonly preWarm: boolean
  readonly max: number
  /** Opens connections for up to `need` borrowers beyond those already free. */
  open(need: number): Promise<number>
}

/**
 * The workflow side of the pool: scopes started and completed by id or run
 * around a function, leaked connections released at the end, and pre-warming
 * from what each workflow type needed recently.
 */
export class Workflows {
  readonly tracker: WorkflowTracker
  readonly #host: WorkflowHost
  #sequence = 0
  #completed = 0
  #leakedReleased = 0

  constructor(host: WorkflowHost, historySize: number) {
    this.#host = host
    this.tracker = new WorkflowTracker(historySize)
  }

  /** Opens a scope; with `preWarm`, opens what runs of this type needed at their busiest recently (90th percentile, at most `max`). */
  async start(workflowId: string, workflowType: string): Promise<{ preWarmed: number }> {
    const host = this.#host
    this.tracker.start(workflowId, workflowType, host.clock.now())
    if (!host.preWarm) return { preWarmed: 0 }
    const need = Math.min(host.max, this.tracker.history.need(workflowType, PREWARM_PERCENTILE))
    return { preWarmed: await host.open(need) }
  }

  /** Closes a scope, releasing (and counting) every connection it still holds. */
  complete(workflowId: string): WorkflowCompletion {
    const scope = this.tracker.complete(workflowId)
    if (!scope) throw new WorkflowError(`Unknown workflow ${JSON.stringify(workflowId)}`)
    const leaked = [...scope.leases]
    for (const lease of leaked) {
      this.#host.log('warn', `workflow ${workflowId} (${scope.type}) completed still holding connection ${lease.id}; releasing it`, { workflowId, workflowType: scope.type, connectionId: lease.id }, 'workflow')
      lease.release()
    }
    this.#leakedReleased += leaked.length
    this.#completed++
    return { workflowId, peakConnections: scope.peak, leakedConnections: leaked.length }
  }

  /**
   * Runs `fn` as a workflow of `workflowType`: starts it (pre-warming),
   * attributes every acquire inside `fn` (across awaits) to it, and
   * completes it however `fn` ends. `around` wraps the run (a read-your-writes
   * scope when reads are routed).
   */
  async run<T>(workflowType: string, fn: (workflowId: string) => Promise<T>, workflowId: string | undefined, around: <U>(run: () => Promise<U>) => Promise<U>): Promise<T> {
    const id = workflowId ?? `${workflowType}-${++this.#sequence}`
    await this.start(id, workflowType)
    const scope = this.tracker.current(id)!
    try {
      return await around(() => this.tracker.runIn(scope, () => fn(id)))
    } finally {
      this.complete(id)
    }
  }

  stats(): PoolStats['workflows'] {
    return { active: this.tracker.active, completed: this.#completed, leakedConnectionsReleased: this.#leakedReleased }
  }
}
