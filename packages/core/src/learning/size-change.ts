/** Why adaptive sizing moved its target. */
export type SizeChangeReason = 'demand' | 'forecast' | 'idle' | 'server-room'

/** One move of the adaptive target (the `resize` event, `stats().sizing.lastChange`). */
export interface SizeChange {
  readonly from: number
  readonly to: number
  readonly reason: SizeChangeReason
  /** The pool clock's time of the change. */
  readonly at: number
}
