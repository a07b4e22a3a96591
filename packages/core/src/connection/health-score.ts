/**
 * How a connection's health score (0-100) moves. Only the connection's own
 * behaviour counts: a user's SQL error (syntax, constraint) never lowers it.
 */
export const HEALTH = {
  initial: 100,
  /** A health check that passed in time. */
  checkPassed: +10,
  /** A health check that passed, but slower than `healthCheckSlowMillis`. */
  checkSlow: -15,
  /** A health check that failed with a non-fatal error. */
  checkFailed: -40,
} as const

export function adjustHealth(score: number, delta: number): number {
  return Math.max(0, Math.min(100, score + delta))
}
