/** How an awaited call ended, and when. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T; readonly millis: number }
  | { readonly ok: false; readonly error: unknown; readonly millis: number }

/**
 * Waits for `promise` to settle, for at most `boundMillis`. A promise still
 * pending then is a hung call: this throws an error naming it, so the test
 * fails on the first call that hangs instead of at the runner's timeout.
 */
export function settleWithin<T>(name: string, promise: Promise<T>, boundMillis: number): Promise<Settled<T>> {
  const startedAt = performance.now()
  const elapsed = () => Math.round(performance.now() - startedAt)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not settle within ${boundMillis} ms (a hung promise)`)), boundMillis)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve({ ok: true, value, millis: elapsed() })
      },
      (error: unknown) => {
        clearTimeout(timer)
        resolve({ ok: false, error, millis: elapsed() })
      },
    )
  })
}

/** The value of `promise`; fails naming it when it rejects or does not settle within `boundMillis`. */
export async function resolvesWithin<T>(name: string, promise: Promise<T>, boundMillis: number): Promise<T> {
  const settled = await settleWithin(name, promise, boundMillis)
  if (!settled.ok) throw new Error(`${name} rejected after ${settled.millis} ms: ${describeError(settled.error)}`, { cause: settled.error })
  return settled.value
}

/** The error `promise` rejects with, and when; fails naming it when it resolves or does not settle within `boundMillis`. */
export async function rejectsWithin(name: string, promise: Promise<unknown>, boundMillis: number): Promise<{ error: unknown; millis: number }> {
  const settled = await settleWithin(name, promise, boundMillis)
  if (settled.ok) throw new Error(`${name} resolved after ${settled.millis} ms; it should have rejected`)
  return { error: settled.error, millis: settled.millis }
}

/** `error`'s class, code and message, for failure messages. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return `${error.name}${code === undefined ? '' : ` [${String(code)}]`}: ${error.message}`
}

/** Runs `call` until it resolves (20 ms apart) and returns its value; fails naming it after `boundMillis`. */
export async function eventually<T>(name: string, call: () => Promise<T>, boundMillis: number): Promise<T> {
  const deadline = performance.now() + boundMillis
  for (;;) {
    const left = deadline - performance.now()
    const settled = await settleWithin(name, call(), Math.max(left, 1))
    if (settled.ok) return settled.value
    if (performance.now() >= deadline) throw new Error(`${name} still failed after ${boundMillis} ms: ${describeError(settled.error)}`, { cause: settled.error })
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
