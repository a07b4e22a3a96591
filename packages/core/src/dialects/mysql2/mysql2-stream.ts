import type { StreamOptions } from '../../dialect.js'
import type { Mysql2Connection, Mysql2RowReadable } from './mysql2-driver-types.js'
import type { Mysql2SessionState } from './mysql2-session-state.js'

/**
 * The rows of one query, fetched with backpressure: mysql2 pauses the socket
 * while `chunkSize` rows wait unread, and resumes it as they are consumed.
 *
 * An early `break` destroys the Readable; mysql2 then resumes the socket and
 * reads the rest of the result into the void, finishing the command before
 * the next one starts. The connection stays in protocol sync and can be
 * reused: a following `run()` waits for the drain and then gets its own
 * result. (The cost is reading what remains of the result; killing the query
 * would need a second connection.)
 *
 * mysql2 tells a streaming query nothing when the connection dies under it
 * (the error goes to the connection only), so the connection's `error` and
 * `end` events end the stream here, with an error `isFatal` recognises.
 *
 * @internal
 */
export async function* streamMysql2Rows(
  raw: Mysql2Connection,
  sql: string,
  params: readonly unknown[] | undefined,
  options: StreamOptions,
  session: Mysql2SessionState | undefined,
): AsyncGenerator<Record<string, unknown>> {
  if (session?.lost) throw session.lost
  let lost: Error | undefined
  let rows: Mysql2RowReadable | undefined
  const onError = (error: Error): void => {
    lost ??= error
    rows?.destroy(lost)
  }
  const onEnd = (): void => onError(connectionLostError())
  raw.on('error', onError)
  raw.on('end', onEnd)
  session?.track(onError)
  try {
    const { typeCast } = options
    const query = raw.query({ sql, values: params as unknown[] | undefined, ...(typeCast === undefined ? {} : { typeCast }) })
    // after an early break nothing listens on the query any more; an error
    // arriving while mysql2 drains would otherwise be thrown inside the driver
    query.on('error', () => session?.noteError())
    session?.noteResultSet()
    rows = query.stream({ highWaterMark: options.chunkSize })
    // a closed connection fails the command synchronously, before `rows` existed
    if (lost) rows.destroy(lost)
    for await (const row of rows) yield row as Record<string, unknown>
  } finally {
    rows?.destroy()
    session?.untrack(onError)
    raw.removeListener('error', onError)
    raw.removeListener('end', onEnd)
  }
}

/** The error mysql2 itself raises when the server closes the socket. */
export function connectionLostError(): Error {
  return Object.assign(new Error('Connection lost: The server closed the connection.'), {
    code: 'PROTOCOL_CONNECTION_LOST',
    fatal: true,
  })
}
