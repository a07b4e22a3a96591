import type { StreamOptions } from '../../dialect.js'
import type { SqliteDatabase, SqliteStatement } from './better-sqlite3-driver-types.js'
import { nextTurn } from '../../util/event-loop-turn.js'

/**
 * The open stream iterators of each handle, so that a reset or close can
 * stop them: while an iterator is open the driver refuses writes, exec() and
 * close() on the handle, ROLLBACK included.
 */
export class SqliteStreams {
  readonly #stops = new WeakMap<SqliteDatabase, Set<() => void>>()

  add(db: SqliteDatabase, stop: () => void): void {
    let stops = this.#stops.get(db)
    if (stops === undefined) this.#stops.set(db, (stops = new Set()))
    stops.add(stop)
  }

  delete(db: SqliteDatabase, stop: () => void): void {
    this.#stops.get(db)?.delete(stop)
  }

  stopAll(db: SqliteDatabase): void {
    for (const stop of this.#stops.get(db) ?? []) stop()
    this.#stops.delete(db)
  }
}

/** What a stream needs of the dialect: its lock rules. */
export interface SqliteStreamHost {
  readonly streams: SqliteStreams
  /** Compiles `sql`, first waiting for the write lock when the statement needs it. */
  prepare(db: SqliteDatabase, sql: string): Promise<SqliteStatement>
  /** Gives the write lock back once `db` is in autocommit mode again. */
  releaseIfDone(db: SqliteDatabase): void
}

/**
 * Iterates the rows of `sql`, giving the event loop a turn every `chunkSize`
 * rows so that timers and I/O run while a large result is read. Breaking
 * out early frees the statement. A statement that may write holds the write
 * lock until the iteration ends.
 */
export async function* streamSqliteRows(
  host: SqliteStreamHost,
  db: SqliteDatabase,
  sql: string,
  params: readonly unknown[],
  options: StreamOptions,
): AsyncGenerator<Record<string, unknown>> {
  let stopped = false
  let iterator: Iterator<unknown> | undefined
  const stop = (): void => {
    stopped = true
    iterator?.return?.()
  }
  try {
    const stmt = await host.prepare(db, sql)
    // a statement compiled for this stream: its own setting, over the connection's default
    if (options.safeIntegers !== undefined) stmt.safeIntegers(options.safeIntegers)
    const chunkSize = Math.max(1, Math.floor(options.chunkSize) || 1)
    iterator = stmt.iterate(...params)
    host.streams.add(db, stop)
    for (let count = 1; ; count++) {
      const next = iterator.next()
      if (next.done === true) return
      yield next.value as Record<string, unknown>
      if (count % chunkSize === 0) await nextTurn()
      if (stopped) throw new Error('The stream was ended because its connection was reset or closed')
    }
  } finally {
    host.streams.delete(db, stop)
    if (!stopped) {
      // an early break lands here too: ending the iterator frees the statement (and the handle)
      iterator?.return?.()
      host.releaseIfDone(db)
    }
  }
}
