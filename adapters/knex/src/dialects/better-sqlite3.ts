import { ConfigError, sqlite, type SqliteDialectConfig } from '@sluice/core'
import type { Knex } from 'knex'
import type { SetupStep } from '../connection-setup.js'
import { mapConnectionSettings } from '../connection-settings.js'
import { knexDialectClient } from '../knex-internals.js'
import { sluiceClient } from '../sluice-client.js'
import { queryOptions, type QueryOptionRules, type SluiceFlavor } from '../sluice-flavor.js'

/** Knex's better-sqlite3 connection keys and Sluice's → `sqlite({...})` options. */
const SQLITE_NAMES: Readonly<Record<string, string | null>> = {
  filename: 'filename',
  // better-sqlite3's own options, read below
  options: null,
  readonly: 'readonly',
  busyTimeoutMillis: 'busyTimeoutMillis',
  journalMode: 'journalMode',
  synchronous: 'synchronous',
  foreignKeys: 'foreignKeys',
  pragmas: 'pragmas',
}

/** The per-query option stock Knex reads for better-sqlite3 (`statement.safeIntegers()`). */
const SQLITE_QUERY_OPTIONS: QueryOptionRules = {
  honoured: {
    safeIntegers: (value) => (typeof value === 'boolean' ? { safeIntegers: value } : undefined),
  },
  refused: {},
}

interface DriverOptions {
  readonly readonly?: boolean
  readonly safeIntegers?: boolean
  /** better-sqlite3's busy timeout in milliseconds: Sluice's busyTimeoutMillis. */
  readonly timeout?: number
}

/** The member of Knex's `Client_BetterSQLite3` the adapter calls, which Knex's typings leave out. */
interface KnexBetterSqlite3Client extends Knex.Client {
  _formatBindings(bindings: unknown[] | undefined): unknown[]
}

const betterSqlite3Flavor: SluiceFlavor = {
  placeholderSettings: { filename: ':memory:' },

  dialect(client, settings) {
    const options = mapConnectionSettings(settings, SQLITE_NAMES, 'better-sqlite3')
    const driverOptions = checkDriverOptions(settings.options)
    if (driverOptions.readonly !== undefined) {
      if (options.readonly !== undefined) throw new ConfigError('connection.readonly', options.readonly, 'is also set as connection.options.readonly; give only one')
      options.readonly = driverOptions.readonly
    }
    if (driverOptions.timeout !== undefined) {
      if (options.busyTimeoutMillis !== undefined) throw new ConfigError('connection.busyTimeoutMillis', options.busyTimeoutMillis, 'is also set as connection.options.timeout; give only one')
      options.busyTimeoutMillis = driverOptions.timeout
    }
    // stock Knex leaves SQLite's default (foreign keys off); Sluice's own default is on
    options.foreignKeys ??= false
    return sqlite({ ...options, driver: client.driver } as SqliteDialectConfig)
  },

  connectionSetup(_client, settings) {
    const { safeIntegers } = checkDriverOptions(settings.options)
    const steps: SetupStep[] = []
    // stock sets it on every new Database; it is a handle setting, not a statement
    if (safeIntegers !== undefined) {
      steps.push(async (connection) => void (connection.driverConnection as { defaultSafeIntegers(on: boolean): unknown }).defaultSafeIntegers(safeIntegers))
    }
    return steps
  },

  // stock: Dates as epoch milliseconds, booleans as 0/1, which better-sqlite3 cannot bind itself
  bindings: (client, bindings) => (client as KnexBetterSqlite3Client)._formatBindings(bindings),

  runOptions: (options) => queryOptions(options, SQLITE_QUERY_OPTIONS),

  respond(obj, result) {
    const raw = result.raw as unknown[] | { readonly lastInsertRowid: number | bigint; readonly changes: number }
    // rows of a reader (`statement.all()`), or the RunResult of `statement.run()` with its context
    obj.response = raw
    if (!Array.isArray(raw)) obj.context = { lastID: raw.lastInsertRowid, changes: raw.changes }
  },
}

function checkDriverOptions(value: unknown): DriverOptions {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('connection.options', value, 'must be an object')
  for (const [key, option] of Object.entries(value)) {
    if (option === undefined) continue
    if (key === 'timeout') {
      // the range is checked where busyTimeoutMillis is
      if (typeof option !== 'number') throw new ConfigError('connection.options.timeout', option, 'must be a number of milliseconds')
      continue
    }
    if (key !== 'readonly' && key !== 'safeIntegers') {
      throw new ConfigError(`connection.options.${key}`, option, 'is not supported on Sluice (supported: readonly, safeIntegers, timeout); Sluice loads better-sqlite3 through Knex')
    }
    if (typeof option !== 'boolean') throw new ConfigError(`connection.options.${key}`, option, 'must be a boolean')
  }
  return value as DriverOptions
}

/**
 * Knex's SQLite client (`client: 'better-sqlite3'`) on a Sluice pool. Unlike
 * stock Knex it can hold several connections to one file: Sluice
 * serializes writers in-process and readers run beside them in WAL mode.
 *
 * ```ts
 * import knex from 'knex'
 * import { SluiceBetterSqlite3 } from '@sluice/knex'
 *
 * const db = knex({ client: SluiceBetterSqlite3, connection: { filename: './app.db' }, useNullAsDefault: true })
 * ```
 */
export class SluiceBetterSqlite3 extends sluiceClient(knexDialectClient('better-sqlite3'), betterSqlite3Flavor) {}
