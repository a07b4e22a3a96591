/** Waits until `condition` holds, polling; fails with `what` after `timeoutMillis`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMillis = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Every row of a stream, in order. */
export async function collect(rows: AsyncIterable<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = []
  for await (const row of rows) out.push(row)
  return out
}

/** Watches a promise without awaiting it (and without leaving a rejection unhandled). */
export function track<T>(promise: Promise<T>): { settled: boolean; promise: Promise<T> } {
  const state = { settled: false, promise }
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  )
  return state
}
