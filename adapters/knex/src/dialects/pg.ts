import { ConfigError, postgres, type PostgresDialectConfig } from '@sluice/core'
import type { Knex } from 'knex'
import { callbackConnection, type CallbackConnection } from '../callback-connection.js'
import type { SetupStep } from '../connection-setup.js'
import { mapConnectionSettings, smallerTimeout } from '../connection-settings.js'
import { knexDialectClient } from '../knex-internals.js'
import { sluiceClient } from '../sluice-client.js'
import { arrayRowsWhen, queryOptions, type QueryOptionRules, type SluiceFlavor } from '../sluice-flavor.js'

/** Knex's pg connection keys (pg's names and Sluice's) → `postgres({...})` options. */
const PG_NAMES: Readonly<Record<string, string | null>> = {
  connectionString: 'connectionString',
  host: 'host',
  port: 'port',
  user: 'user',
  password: 'password',
  database: 'database',
  ssl: 'ssl',
  types: 'types',
  connectionTimeoutMillis: 'connectTimeoutMillis',
  connectTimeoutMillis: 'connectTimeoutMillis',
  application_name: 'applicationName',
  applicationName: 'applicationName',
  statement_timeout: 'statementTimeoutMillis',
  statementTimeoutMillis: 'statementTimeoutMillis',
  // applied per connection by the adapter, as stock Knex does with the top-level option
  searchPath: null,
  // left by pg-connection-string next to the `ssl` object it already made of it; pg ignores it too
  sslmode: null,
}

/** pg's own query-config keys, as stock Knex passes `.options({...})` into them. */
const PG_QUERY_OPTIONS: QueryOptionRules = {
  honoured: {
    rowMode: arrayRowsWhen('array'),
    // a named prepared statement: Sluice's statement cache prepares it (under a name of its own)
    name: (value) => (typeof value === 'string' && value !== '' ? { prepare: true } : undefined),
  },
  refused: {
    types: 'Sluice parses values per connection: set `types` in the connection settings',
    binary: 'Sluice runs statements in text format',
  },
}

/** The members of Knex's `Client_PG` the adapter calls, which Knex's typings leave out. */
interface KnexPgClient extends Knex.Client {
  checkVersion(connection: CallbackConnection): Promise<string>
  setSchemaSearchPath(connection: CallbackConnection, searchPath: string | readonly string[]): Promise<unknown>
}

const pgFlavor: SluiceFlavor = {
  placeholderSettings: {},

  dialect(client, settings, pool) {
    const options = mapConnectionSettings(settings, PG_NAMES, 'pg')
    options.connectTimeoutMillis = smallerTimeout(options.connectTimeoutMillis, pool.createTimeoutMillis)
    // the pg module Knex loaded, so that pg.types parsers set by the app apply
    return postgres({ ...options, driver: client.driver } as PostgresDialectConfig)
  },

  connectionSetup(client, settings) {
    const pg = client as KnexPgClient
    const searchPath = checkSearchPath(settings.searchPath ?? client.config.searchPath)
    const step: SetupStep = async (newConnection) => {
      // stock Client_PG.acquireRawConnection: version check until known, then search_path on every new connection
      const connection = callbackConnection(newConnection, (result) => [result.raw])
      if (!pg.version) pg.version = await pg.checkVersion(connection)
      if (searchPath !== undefined) await pg.setSchemaSearchPath(connection, searchPath)
    }
    return [step]
  },

  // stock: `values: obj.bindings || []`
  bindings: (_client, bindings) => bindings ?? [],

  runOptions: (options) => queryOptions(options, PG_QUERY_OPTIONS),

  // pg's Result (an array of them for several statements), as stock `connection.query` answers
  respond(obj, result) {
    obj.response = result.raw
  },
}

function checkSearchPath(value: unknown): string | readonly string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string' || (Array.isArray(value) && value.every((schema) => typeof schema === 'string'))) return value
  throw new ConfigError('searchPath', value, 'must be a schema name or an array of them')
}

/**
 * Knex's PostgreSQL client (`client: 'pg'`) on a Sluice pool.
 *
 * ```ts
 * import knex from 'knex'
 * import { SluicePg } from '@sluice/knex'
 *
 * const db = knex({ client: SluicePg, connection: process.env.DATABASE_URL, searchPath: ['app', 'public'], pool: { min: 2, max: 10 } })
 * ```
 */
export class SluicePg extends sluiceClient(knexDialectClient('pg'), pgFlavor) {}
