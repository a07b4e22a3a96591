import { CANCEL_TIMEOUT_MILLIS } from '../config/defaults.js'
import type { Dialect } from '../dialect.js'
import type { Clock } from '../util/clock.js'
import { withTimeout } from '../util/with-timeout.js'
import type { PoolEntry } from './pool-entry.js'

/**
 * A statement on `entry` timed out and its caller already has the
 * `QueryTimeoutError`. Asks the server to stop it (the dialect's `cancel`)
 * and keeps the connection's command slot until the statement has ended, so
 * that nothing else runs there meanwhile (a late cancel would stop the next
 * statement instead). If the cancel cannot be sent, or the statement does not
 * end within `CANCEL_TIMEOUT_MILLIS`, the connection is marked broken and
 * closed when it is given back; otherwise it is reused.
 */
export function cancelAfterTimeout(host: { readonly dialect: Dialect<any>; readonly clock: Clock }, entry: PoolEntry, running: Promise<unknown>): void {
  const ended = running.then(ignore, ignore)
  entry.hold(stopOnServer(host, entry, ended))
}

async function stopOnServer(host: { readonly dialect: Dialect<any>; readonly clock: Clock }, entry: PoolEntry, ended: Promise<void>): Promise<void> {
  const { dialect, clock } = host
  try {
    const stopped = dialect.cancel!(entry.raw).then(() => ended)
    // the connection's next command (its borrower's, or the reset on release) waits on it
    await withTimeout(stopped, CANCEL_TIMEOUT_MILLIS, clock, 'awaited', () => new Error(`the timed-out statement on ${entry.id} did not stop within ${CANCEL_TIMEOUT_MILLIS}ms of its cancel request`))
  } catch (error) {
    entry.markBroken(error instanceof Error ? error : new Error(String(error)))
  }
}

function ignore(): void {}
