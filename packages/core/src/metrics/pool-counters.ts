import { LATENCY_WINDOW } from '../config/defaults.js'
import { LatencyWindow } from './latency-window.js'

/** The pool's running counters; one object so the hot path touches one place. */
export class PoolCounters {
  readonly acquireWait = new LatencyWindow(LATENCY_WINDOW)
  readonly queryTime = new LatencyWindow(LATENCY_WINDOW)
  queryErrors = 0
  created = 0
  recycled = 0
  failedCreates = 0
  acquireTimeouts = 0
  /** Statement-cache figures of connections already closed, so totals survive recycling. */
  retiredStatementHits = 0
  retiredStatementMisses = 0
  retiredStatementEvictions = 0
}
