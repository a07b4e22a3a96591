import type { Clock, TimerPurpose } from './clock.js'

/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms`. The
 * original promise keeps running; callers decide what a timeout means for the
 * connection it ran on (usually: never reuse it).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock, purpose: TimerPurpose, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(onTimeout()), ms, purpose)
    promise.then(
      (value) => {
        clock.clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clock.clearTimeout(timer)
        reject(error)
      },
    )
  })
}
