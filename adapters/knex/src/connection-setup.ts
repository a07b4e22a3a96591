import type { NewConnection } from '@sluice/core'
import type { AfterCreate } from './pool-options.js'

/** Work to do on a new connection before its first borrower gets it. */
export type SetupStep = (connection: NewConnection) => Promise<void>

/**
 * The pool's `onConnect`: what stock Knex does in tarn's `create` (the
 * dialect's version check and `search_path`, then `afterCreate`), run by the
 * core on every new connection before it is first lent. Bounded by
 * `timeoutMillis`, as tarn's `createTimeoutMillis` bounded `afterCreate`; a
 * step that fails or hangs makes the core close that connection and count a
 * failed connect. Undefined when there is nothing to do.
 */
export function setupHook(steps: readonly SetupStep[], timeoutMillis: number): ((connection: NewConnection) => Promise<void>) | undefined {
  if (steps.length === 0) return undefined
  return async (connection) => {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`@sluice/knex: setting up a new connection (searchPath, afterCreate) took longer than ${timeoutMillis}ms`)), timeoutMillis)
      timer.unref()
    })
    const running = (async () => {
      for (const step of steps) await step(connection)
    })()
    try {
      await Promise.race([running, timedOut])
    } finally {
      clearTimeout(timer)
      // a step that fails after the timeout has nobody left to tell
      running.catch(() => {})
    }
  }
}

let knexUids = 0

/**
 * Knex's `afterCreate(connection, done)` on the driver's own connection, as a
 * setup step. As in stock Knex, the connection already carries a unique
 * `__knexUid` (hooks and tests check for it) and `done` is a node-style
 * callback, `done(error, connection)`. A function that declares `done` is
 * finished when it calls it; one that takes only the connection may return
 * a promise instead (stock Knex would wait for a `done` that never comes).
 */
export function afterCreateStep(afterCreate: AfterCreate): SetupStep {
  const takesDone = afterCreate.length >= 2
  return (connection) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => (error ? reject(error) : resolve())
      const driverConnection = connection.driverConnection as { __knexUid?: string }
      driverConnection.__knexUid ??= `__knexUid${++knexUids}`
      try {
        const returned = afterCreate(driverConnection, done)
        if (!takesDone) Promise.resolve(returned).then(() => resolve(), reject)
        // a callback-style function may still fail asynchronously before calling done
        else if (isThenable(returned)) returned.then(undefined, reject)
      } catch (error) {
        reject(error)
      }
    })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
