/**
 * Where the pool keeps what it learned across restarts. `load()` returns what
 * `save()` last stored (undefined when nothing was), as an opaque JSON value
 * the pool checks before it trusts it.
 */
export interface LearningStore {
  load(): Promise<unknown>
  save(snapshot: unknown): Promise<void>
}
