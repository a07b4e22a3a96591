import type { FunctionCall } from './function-call.js'
import type { StatementKind } from './statement-kind.js'

/** What the text of a statement says about where it may run. */
export interface StatementAnalysis {
  /**
   * `read` when nothing in the text writes or locks; it stays a read once
   * every one of `calls` is judged safe (see `kindOf`). `write` or `unknown`
   * (primary) otherwise.
   */
  readonly kind: StatementKind
  /** The functions it calls, in order (complete only when `kind` is `read`). */
  readonly calls: readonly FunctionCall[]
}
