import type { ServerRoom } from '../dialect.js'
import type { SizeChange } from './size-change.js'

/** `stats().sizing`: the pool's size as learning sees it. */
export interface SizingStats {
  readonly mode: 'fixed' | 'adaptive'
  /** Connections kept open: `min`, or the adaptive target. */
  readonly target: number
  /** The most the pool may open: `max`, or less when the server has less room. */
  readonly ceiling: number
  /** What predictive pre-warming asks to keep open now (0 when the forecast has not seen enough). */
  readonly forecastFloor: number
  /** The server's room as last read (adaptive sizing only). */
  readonly serverRoom: ServerRoom | undefined
  /** Moves of the adaptive target since the pool started. */
  readonly changes: number
  readonly lastChange: SizeChange | undefined
  /** Acquires per second over about the last minute. */
  readonly recentArrivalsPerSecond: number
  /** Connections in demand (lent or waited for) over about the last minute. */
  readonly recentDemand: number
}
