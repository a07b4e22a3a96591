/**
 * One running workflow: the connections it holds right now and the most it
 * held at once. Connections acquired inside `pool.runWorkflow()` (or with
 * `acquire({ workflowId })`) belong to it.
 */
export class WorkflowScope {
  readonly id: string
  readonly type: string
  readonly startedAt: number
  /** Leases held right now. */
  readonly leases = new Set<{ release(): void; readonly id: string }>()
  /** Most leases held at once. */
  peak = 0

  constructor(id: string, type: string, startedAt: number) {
    this.id = id
    this.type = type
    this.startedAt = startedAt
  }

  attach(lease: { release(): void; readonly id: string }): void {
    this.leases.add(lease)
    if (this.leases.size > this.peak) this.peak = this.leases.size
  }

  detach(lease: { release(): void; readonly id: string }): void {
    this.leases.delete(lease)
  }
}
