import { AsyncLocalStorage } from 'node:async_hooks'
import { WorkflowError } from '../errors/workflow-error.js'
import { UsageHistory } from './usage-history.js'
import { WorkflowScope } from './workflow-scope.js'

/**
 * Keeps the running workflow scopes, tells which scope an acquire belongs to
 * (an explicit id, or the async context of `runWorkflow`), and remembers each
 * type's recent peaks for pre-warming.
 */
export class WorkflowTracker {
  readonly history: UsageHistory
  readonly #scopes = new Map<string, WorkflowScope>()
  readonly #context = new AsyncLocalStorage<WorkflowScope>()

  constructor(historySize: number) {
    this.history = new UsageHistory(historySize)
  }

  get active(): number {
    return this.#scopes.size
  }

  start(id: string, type: string, now: number): WorkflowScope {
    checkName('workflow id', id)
    checkName('workflow type', type)
    if (this.#scopes.has(id)) throw new WorkflowError(`Workflow ${JSON.stringify(id)} has already started`)
    const scope = new WorkflowScope(id, type, now)
    this.#scopes.set(id, scope)
    return scope
  }

  /** Ends a scope and records its peak; returns it, or undefined for an unknown id. */
  complete(id: string): WorkflowScope | undefined {
    const scope = this.#scopes.get(id)
    if (!scope) return undefined
    this.#scopes.delete(id)
    this.history.record(scope.type, scope.peak)
    return scope
  }

  /** The scope an acquire belongs to: the named one, else the one of the current async context. */
  current(workflowId: string | undefined): WorkflowScope | undefined {
    if (workflowId !== undefined) {
      const scope = this.#scopes.get(workflowId)
      if (!scope) throw new WorkflowError(`Unknown workflow ${JSON.stringify(workflowId)}: call onWorkflowStart first`)
      return scope
    }
    // the async-context lookup costs something; skip it while no workflow runs
    return this.#scopes.size === 0 ? undefined : this.#context.getStore()
  }

  runIn<T>(scope: WorkflowScope, fn: () => T): T {
    return this.#context.run(scope, fn)
  }
}

function checkName(what: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new WorkflowError(`The ${what} must be a non-empty string, got ${typeof value}`)
  }
}
