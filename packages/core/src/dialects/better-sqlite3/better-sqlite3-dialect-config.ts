import { ConfigError } from '../../errors/config-error.js'
import { resolveStatementCacheConfig, type PrepareMode } from '../../statements/prepare-policy.js'
import type { SqliteDatabaseConstructor } from './better-sqlite3-driver-types.js'

/** The journal modes SQLite knows (`PRAGMA journal_mode`). */
export const SQLITE_JOURNAL_MODES = ['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF'] as const
export type SqliteJournalMode = (typeof SQLITE_JOURNAL_MODES)[number]

/** The levels of `PRAGMA synchronous`. */
export const SQLITE_SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_LEVELS)[number]

/** The filename SQLite reads as "a private database in memory". */
export const SQLITE_MEMORY = ':memory:'

/** A writer waits this long for the file's write lock (another connection's or process's) before SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MILLIS = 5000

/** Compiled statements kept per connection; they cost only client memory. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 200

/**
 * Options of the `sqlite()` dialect (driver `better-sqlite3`).
 *
 * ```ts
 * const pool = createPool({ dialect: sqlite({ filename: './app.db' }) })
 * ```
 */
export interface SqliteDialectConfig {
  /** Path of the database file, or `':memory:'` (then the pool holds one connection). */
  readonly filename: string
  /** Opens every connection read-only. Defaults to `false`. */
  readonly readonly?: boolean
  /**
   * How long a writer waits for the file's write lock before it fails with
   * SQLITE_BUSY, whoever holds it: another connection of this process (an
   * async wait: the event loop keeps running) or another process (SQLite's
   * own `busy_timeout`, a synchronous wait that blocks the event loop).
   * `0` fails at once. Defaults to 5000.
   */
  readonly busyTimeoutMillis?: number
  /** `PRAGMA journal_mode`. Defaults to `'WAL'` for a file; an in-memory database keeps `'MEMORY'`. */
  readonly journalMode?: SqliteJournalMode
  /** `PRAGMA synchronous`. Defaults to `'NORMAL'` with WAL (safe there), else SQLite's own default. */
  readonly synchronous?: SqliteSynchronous
  /** `PRAGMA foreign_keys`. Defaults to `true` (SQLite's own default is off). */
  readonly foreignKeys?: boolean
  /** Further pragmas set on every new connection, e.g. `{ cache_size: -64000 }`. */
  readonly pragmas?: Readonly<Record<string, string | number>>
  /** An already-imported better-sqlite3 `Database` constructor. Defaults to importing `better-sqlite3`. */
  readonly driver?: SqliteDatabaseConstructor
  /** Compiled statements kept per connection, least recently used dropped first; `0` compiles every statement anew. Defaults to 200. */
  readonly statementCacheSize?: number
  /**
   * Which statements come from the cache when the caller does not pass
   * `prepare`: `'all'`, `'parameterized'` or `'explicit'` (only
   * `prepare: true`). Defaults to `'all'`: every statement is compiled anyway.
   */
  readonly prepare?: PrepareMode
}

/** A validated, frozen {@link SqliteDialectConfig}. @internal */
export interface ResolvedSqliteConfig {
  readonly filename: string
  readonly memory: boolean
  readonly readonly: boolean
  readonly busyTimeoutMillis: number
  readonly journalMode: SqliteJournalMode | undefined
  readonly synchronous: SqliteSynchronous | undefined
  readonly foreignKeys: boolean
  /** Custom pragmas as `[name, SQL literal]`, in the order given. */
  readonly pragmas: ReadonlyArray<readonly [string, string]>
  readonly driver: SqliteDatabaseConstructor | undefined
  readonly statementCacheSize: number
  readonly prepare: PrepareMode
}

const KNOWN_KEYS = new Set(['filename', 'readonly', 'busyTimeoutMillis', 'journalMode', 'synchronous', 'foreignKeys', 'pragmas', 'driver', 'statementCacheSize', 'prepare'])
// an optional schema (`main.`) then the pragma's name; anything else could smuggle SQL in
const PRAGMA_NAME = /^(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*$/
// pragmas that have their own option, so that one setting has one place
const DEDICATED_PRAGMAS: Record<string, string> = {
  journal_mode: 'journalMode',
  synchronous: 'synchronous',
  foreign_keys: 'foreignKeys',
  busy_timeout: 'busyTimeoutMillis',
}
const MAX_TIMEOUT = 2 ** 31 - 1

/** Validates the options of `sqlite()`; throws {@link ConfigError} naming the first bad option. */
export function resolveSqliteConfig(input: SqliteDialectConfig): ResolvedSqliteConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('dialect', input, 'must be an object of SQLite options')
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`dialect.${key}`, (input as unknown as Record<string, unknown>)[key], 'is not an option of the sqlite dialect')
  }
  const filename = resolveFilename(input.filename)
  const memory = filename === SQLITE_MEMORY
  const readonly = optionalBoolean('readonly', input.readonly) ?? false
  if (readonly && memory) throw new ConfigError('dialect.readonly', true, `an in-memory database cannot be read-only`)
  const journalMode = resolveJournalMode(input.journalMode, memory, readonly)
  return Object.freeze({
    filename,
    memory,
    readonly,
    busyTimeoutMillis: resolveBusyTimeout(input.busyTimeoutMillis),
    journalMode,
    synchronous: oneOf('synchronous', input.synchronous, SQLITE_SYNCHRONOUS_LEVELS) ?? (journalMode === 'WAL' ? 'NORMAL' : undefined),
    foreignKeys: optionalBoolean('foreignKeys', input.foreignKeys) ?? true,
    pragmas: resolvePragmas(input.pragmas),
    driver: resolveDriver(input.driver),
    ...resolveStatementCacheConfig(input as unknown as Record<string, unknown>, { statementCacheSize: DEFAULT_STATEMENT_CACHE_SIZE, prepare: 'all' }),
  })
}

function resolveFilename(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError('dialect.filename', value, `must be a non-empty file path or '${SQLITE_MEMORY}'`)
  }
  return value
}

function resolveBusyTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_BUSY_TIMEOUT_MILLIS
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT) {
    throw new ConfigError('dialect.busyTimeoutMillis', value, `must be an integer from 0 to ${MAX_TIMEOUT}`)
  }
  return value
}

function resolveJournalMode(value: unknown, memory: boolean, readonly: boolean): SqliteJournalMode | undefined {
  const mode = oneOf('journalMode', value, SQLITE_JOURNAL_MODES)
  if (mode === undefined) return memory || readonly ? undefined : 'WAL'
  if (readonly) throw new ConfigError('dialect.journalMode', value, 'a read-only connection cannot change the journal mode')
  if (memory && mode !== 'MEMORY' && mode !== 'OFF') {
    throw new ConfigError('dialect.journalMode', value, `an in-memory database can only use MEMORY or OFF`)
  }
  return mode
}

function resolvePragmas(value: unknown): ReadonlyArray<readonly [string, string]> {
  if (value === undefined) return []
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('dialect.pragmas', value, 'must be an object of pragma names to values')
  }
  return Object.entries(value).map(([name, setting]) => {
    const field = `dialect.pragmas.${name}`
    if (!PRAGMA_NAME.test(name)) throw new ConfigError(field, setting, 'the pragma name must be an identifier (optionally schema.name)')
    const dedicated = DEDICATED_PRAGMAS[name.slice(name.indexOf('.') + 1).toLowerCase()]
    if (dedicated !== undefined) throw new ConfigError(field, setting, `use the option dialect.${dedicated} instead`)
    return [name, pragmaLiteral(field, setting)] as const
  })
}

// a pragma value as SQL: numbers as they are, strings as quoted literals
// (SQLite accepts `'wal'` wherever it accepts `wal`), so no value can end the statement
function pragmaLiteral(field: string, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  throw new ConfigError(field, value, 'must be a string or a finite number')
}

function resolveDriver(value: unknown): SqliteDatabaseConstructor | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') throw new ConfigError('dialect.driver', value, "must be better-sqlite3's Database constructor")
  return value as SqliteDatabaseConstructor
}

function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw new ConfigError(`dialect.${field}`, value, 'must be a boolean')
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined
  const match = allowed.find((option) => option === upper)
  if (match === undefined) throw new ConfigError(`dialect.${field}`, value, `must be one of ${allowed.join(', ')}`)
  return match
}
