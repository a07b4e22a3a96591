/**
 * `promise`'s outcome, or `onTimeout` after `millis`: no Redis call may hold
 * up a pool. The timer never keeps the process alive, and a late answer is
 * dropped.
 */
export function withDeadline<T>(promise: Promise<T>, millis: number, onTimeout: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout), millis)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
