import { mysql, postgres, type Dialect } from '@sluice/core'
import { MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_URL, PG_URL } from '../../../packages/core/test/support/databases.js'
import { PRIVATE_DATABASE, PRIVATE_PASSWORD, PRIVATE_USER, type ServerKind } from './private-server.js'

/** Where a server is and how to log in, as parts, so that a test can point a pool at a proxy in front of it. */
export interface Endpoint {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
}

/** A statement with its parameters. */
export interface Statement {
  readonly sql: string
  readonly params: unknown[]
}

/** What the fault tests need to know of one kind of database. */
export interface FaultTarget {
  readonly kind: ServerKind
  /** The shared primary and its replica (test/services), in this worktree's database. */
  readonly primary: Endpoint
  readonly replica: Endpoint
  /** The same endpoint reached through a proxy on `port`. */
  via(endpoint: Endpoint, port: number): Endpoint
  /** A private server (test/services/private-*.sh) on `port`. */
  privateServer(port: number): Endpoint
  dialect(endpoint: Endpoint, connectTimeoutMillis: number): Dialect<any>
  /** Selects the session's server-side id as `id`. */
  readonly backendIdSql: string
  /** Ends another session from outside, as an operator would. */
  kill(backendId: number): Statement
  /** A statement that runs `seconds` on the server. */
  sleepSql(seconds: number): string
  /** Selects the session's id as `id` after running `seconds` on the server. */
  busyIdSql(seconds: number): string
  /** Makes (or empties) a table of client-generated keys, without a unique constraint on them. */
  keysTable(table: string): readonly string[]
  /** Inserts `key` unless it is there already: safe to repeat after an error of unknown outcome. */
  insertKey(table: string, key: string): Statement
  /** Selects `k` and how often it occurs as `n`. */
  countKeysSql(table: string): string
}

function endpoint(url: string): Endpoint {
  const parsed = new URL(url)
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.slice(1),
  }
}

const privateEndpoint = (port: number): Endpoint => ({ host: '127.0.0.1', port, user: PRIVATE_USER, password: PRIVATE_PASSWORD, database: PRIVATE_DATABASE })
const via = (target: Endpoint, port: number): Endpoint => ({ ...target, host: '127.0.0.1', port })

export const PG_TARGET: FaultTarget = {
  kind: 'postgres',
  primary: endpoint(PG_URL),
  replica: endpoint(PG_REPLICA_URL),
  via,
  privateServer: privateEndpoint,
  dialect: (e, connectTimeoutMillis) => postgres({ ...e, connectTimeoutMillis }),
  backendIdSql: 'SELECT pg_backend_pid() AS id',
  kill: (id) => ({ sql: 'SELECT pg_terminate_backend($1)', params: [id] }),
  sleepSql: (seconds) => `SELECT pg_sleep(${seconds})`,
  busyIdSql: (seconds) => `SELECT pg_backend_pid() AS id FROM pg_sleep(${seconds})`,
  keysTable: (table) => [
    `CREATE TABLE IF NOT EXISTS ${table} (id BIGSERIAL PRIMARY KEY, k TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${table}_k ON ${table} (k)`,
    `TRUNCATE ${table}`,
  ],
  insertKey: (table, key) => ({
    sql: `INSERT INTO ${table} (k) SELECT $1::text WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE k = $1::text)`,
    params: [key],
  }),
  countKeysSql: (table) => `SELECT k, count(*)::int AS n FROM ${table} GROUP BY k`,
}

export const MYSQL_TARGET: FaultTarget = {
  kind: 'mysql',
  primary: endpoint(MYSQL_URL),
  replica: endpoint(MYSQL_REPLICA_URL),
  via,
  privateServer: privateEndpoint,
  dialect: (e, connectTimeoutMillis) => mysql({ ...e, connectTimeoutMillis }),
  backendIdSql: 'SELECT CONNECTION_ID() AS id',
  kill: (id) => ({ sql: `KILL ${Number(id)}`, params: [] }),
  sleepSql: (seconds) => `SELECT SLEEP(${seconds})`,
  busyIdSql: (seconds) => `SELECT CONNECTION_ID() AS id, SLEEP(${seconds}) AS slept`,
  keysTable: (table) => [
    `CREATE TABLE IF NOT EXISTS ${table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, INDEX (k)) ENGINE=InnoDB`,
    `TRUNCATE ${table}`,
  ],
  insertKey: (table, key) => ({
    sql: `INSERT INTO ${table} (k) SELECT ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE k = ?)`,
    params: [key, key],
  }),
  countKeysSql: (table) => `SELECT k, COUNT(*) AS n FROM ${table} GROUP BY k`,
}

export const FAULT_TARGETS: readonly FaultTarget[] = [PG_TARGET, MYSQL_TARGET]
