/**
 * Per-database ways to leave a mark on a connection's session from
 * `afterCreate` (on the driver's own connection) and to read it back through
 * Knex, to prove the hook ran on the connection a statement uses.
 */
import type { Knex } from 'knex'
import type { DatabaseName } from '../../../../test/adapters/harness.js'

type Done = (error?: unknown, connection?: unknown) => void

export interface SessionMarker {
  /** An `afterCreate` body: marks the raw driver connection, then calls `done`. */
  mark(connection: any, done: Done): void
  /** Reads the mark through Knex (on `db`, a Knex instance or a transaction), on `connection` when given. */
  read(db: Knex | Knex.Transaction, connection?: unknown): Promise<string>
  readonly expected: string
}

export const SESSION_MARKERS: Record<DatabaseName, SessionMarker> = {
  postgres: {
    mark: (connection, done) => connection.query("set application_name = 'after-create'", (error: unknown) => done(error, connection)),
    read: async (db, connection) => String((await on(db.first(db.raw("current_setting('application_name') as v")), connection)).v),
    expected: 'after-create',
  },
  mysql: {
    mark: (connection, done) => connection.query("set @sluice_mark = 'after-create'", (error: unknown) => done(error, connection)),
    read: async (db, connection) => String((await on(db.first(db.raw('@sluice_mark as v')), connection)).v),
    expected: 'after-create',
  },
  sqlite: {
    // cache_size is per connection, unlike user_version, which lives in the file
    mark: (connection, done) => {
      connection.pragma('cache_size = -4321')
      done(null, connection)
    },
    read: async (db, connection) => String((await on(db.first(db.raw('cache_size as v')).from(db.raw('pragma_cache_size()')), connection)).v),
    expected: '-4321',
  },
}

function on<T extends Knex.QueryBuilder>(builder: T, connection: unknown): T {
  return connection === undefined ? builder : (builder.connection(connection) as T)
}
