import type { StatementEnd } from '../../dialect.js'
import { systemClock } from '../../util/clock.js'
import type { PgClient, PgQueryConfig, PgResult } from './pg-driver-types.js'
import { isFatalPgError } from './pg-fatal-error.js'

/** How long a failed statement waits for the ReadyForQuery that follows its error. */
const SETTLE_TIMEOUT_MILLIS = 1_000

/** What becomes of pg's answer inside `queryThen()`'s one promise: `Dialect.runThen`'s end, on pg's output. */
export type PgAnswer<T> = Omit<StatementEnd<T>, 'succeeded'> & {
  /** pg answered: returns what the promise resolves to; a throw rejects it. */
  succeeded(output: PgResult | PgResult[]): T
  /**
   * A failure, settled, before it is final: the promise instead takes what
   * this returns (a retry that answers for the statement), or fails when
   * it returns undefined (the statement cache's recoveries).
   */
  recover?(error: unknown): Promise<T> | undefined
}

const AS_IS: PgAnswer<PgResult | PgResult[]> = { succeeded: (output) => output, failed: () => {} }

/**
 * `client.query()`, except that a failure settles only once pg has the
 * statement's ReadyForQuery. pg rejects on the server's ErrorResponse, one
 * packet before the ReadyForQuery that carries the new transaction status
 * (`'E'`); without the wait, `inTransaction()` right after a failed statement
 * would still report the status from before it.
 */
export function query(client: PgClient, config: PgQueryConfig): Promise<PgResult | PgResult[]> {
  // pg copies a config object on every call; the (text, values) form spares that where nothing else is asked
  const plain = config.name === undefined && config.rowMode === undefined
  return queryThen(client, config.text, config.values, plain ? undefined : config, AS_IS)
}

/**
 * `query()` that hands pg's answer (or its settled failure) to `answer`
 * inside its one promise, so that whoever turns the answer into a result
 * costs no promise of its own. `config` is pg's config object when the
 * statement needs one (a name, `rowMode`), else undefined: pg is then called
 * as `(text, values, callback)`, as pg.Pool calls it.
 */
export function queryThen<T>(client: PgClient, text: string, values: readonly unknown[] | undefined, config: PgQueryConfig | undefined, answer: PgAnswer<T>): Promise<T> {
  // pg's callback form: one promise, where the promise form costs pg's promise, its .catch and ours
  return new Promise<T>((resolve, reject) => {
    // called from pg's socket handler: nothing may throw out of here
    const done = (error: Error | null | undefined, output: PgResult | PgResult[]): void => {
      if (error) return resolve(settleThenThrow(client, error, answer))
      try {
        resolve(answer.succeeded(output))
      } catch (thrown) {
        reject(thrown as Error)
      }
    }
    try {
      if (config === undefined) client.query(text, values, done)
      else client.query(config, done)
    } catch (error) {
      // nothing was sent: nothing to settle
      answer.failed(error)
      reject(error as Error)
    }
  })
}

/** A failed statement's error, once settled; its stack then leads back to the caller's awaits (as pg's promise form does), not to the socket's handler. */
async function settleThenThrow<T>(client: PgClient, error: Error, answer: PgAnswer<T>): Promise<T> {
  await settle(client, error)
  const recovered = answer.recover?.(error)
  if (recovered !== undefined) return recovered
  if (error instanceof Error) Error.captureStackTrace(error)
  answer.failed(error)
  throw error
}

/** Resolves once pg has the ReadyForQuery that follows a failed statement's error (at once when the connection died). */
export function settle(client: PgClient, error: unknown): Promise<void> {
  // a dead connection sends no ReadyForQuery
  return isFatalPgError(error, 0) ? Promise.resolve() : readyForQuery(client)
}

function readyForQuery(client: PgClient): Promise<void> {
  const connection = client.connection
  if (client.readyForQuery !== false || connection?.once === undefined || connection.removeListener === undefined) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const done = (): void => {
      systemClock.clearTimeout(timer)
      connection.removeListener?.('readyForQuery', done)
      connection.removeListener?.('end', done)
      resolve()
    }
    // pg's own listener was attached at connect, so it has updated the status when this runs
    connection.once?.('readyForQuery', done)
    connection.once?.('end', done)
    // never hold an error back for long, whatever happens to the socket; the caller's statement waits on it
    const timer = systemClock.setTimeout(done, SETTLE_TIMEOUT_MILLIS, 'awaited')
  })
}

/** pg's view of the session's transaction: 'I' idle, 'T' in a transaction, 'E' in a failed one; null where pg cannot tell. */
export function transactionStatus(client: PgClient): string | null {
  return client.getTransactionStatus?.() ?? null
}
