/**
 * The contract between the shared adapter suite (adapter-suite.ts) and one
 * ORM adapter. Each adapter's integration test implements `AdapterHarness`
 * for each database and calls `adapterSuite(harness)`; the suite then proves
 * the same behaviours for Kysely, Knex and Drizzle on PostgreSQL, MySQL and
 * SQLite.
 *
 * Tables the suite uses are named by the suite (unique per ORM x database) and
 * have the shape `(id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL)`.
 */
import type { PoolStats } from '@sluice/core'

export type DatabaseName = 'postgres' | 'mysql' | 'sqlite'

export interface PoolSettings {
  readonly min: number
  readonly max: number
  readonly acquireTimeoutMillis: number
}

export interface AdapterHarness {
  readonly orm: 'kysely' | 'knex' | 'drizzle'
  readonly database: DatabaseName
  /** What sets this harness's Sluice pool apart (e.g. `implicit pipelining`), for the suite's titles. */
  readonly variant?: string
  /** The ORM on Sluice, with pool settings passed through the ORM's own options. */
  sluice(settings: PoolSettings): Promise<OrmClient>
  /** The same ORM on its stock driver and pool, for comparing result shapes. */
  stock(): Promise<OrmClient>
  /** The class of error the ORM's stock pool raises when an acquire times out (e.g. KnexTimeoutError). */
  readonly timeoutErrorClass: abstract new (...args: any[]) => Error
  /**
   * Suite tests that cannot apply to this ORM x database, by title, each with
   * the reason (shown in the test name, never skipped silently).
   */
  readonly notApplicable?: Readonly<Record<string, string>>
}

/** What the suite does with one ORM instance, each written in that ORM's own idiom. */
export interface OrmClient {
  createTable(table: string): Promise<void>
  dropTable(table: string): Promise<void>
  /**
   * Inserts rows, selects them, updates one, deletes one, selects again;
   * returns what the ORM returned at each step so the suite can compare
   * Sluice's shapes with the stock driver's.
   */
  crud(table: string): Promise<unknown[]>
  insert(table: string, id: number, name: string, qty: number): Promise<void>
  count(table: string): Promise<number>
  /** Runs `fn` in the ORM's transaction API. */
  transaction<T>(fn: (tx: OrmTransaction) => Promise<T>): Promise<T>
  /** Rows of `SELECT n FROM <series 1..count>` read through the ORM's streaming API. */
  stream(count: number): AsyncIterable<unknown>
  /** A statement that holds its connection for `millis` (pg_sleep, SLEEP, or a busy SQLite transaction). */
  hold(millis: number): Promise<unknown>
  /** Makes the ORM's transaction start fail (e.g. a BEGIN that errors) and returns the error. */
  failingBegin(): Promise<unknown>
  /** Sluice's statistics, reached through the ORM object (sluiceOf(db).stats()); undefined for stock. */
  stats(): PoolStats | undefined
  destroy(): Promise<void>
}

export interface OrmTransaction {
  /** The server-side session id (pg_backend_pid(), CONNECTION_ID()); a per-connection marker on SQLite. */
  backendId(): Promise<string>
  insert(table: string, id: number, name: string, qty: number): Promise<void>
  count(table: string): Promise<number>
  /** Sets a session variable (SET / SET @) and reads it back later in the same transaction. */
  setSessionValue(value: string): Promise<void>
  sessionValue(): Promise<string | undefined>
  /** Creates a temporary table and reads from it, all inside the transaction. */
  tempTableRoundTrip(): Promise<number>
  /** A statement that fails (unique violation) inside the transaction. */
  failingStatement(table: string, id: number): Promise<unknown>
}
