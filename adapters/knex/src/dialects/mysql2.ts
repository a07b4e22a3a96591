import { mysql, type ExecuteOptions, type MysqlDialectConfig } from '@sluice/core'
import type { Knex } from 'knex'
import { callbackConnection, type CallbackConnection } from '../callback-connection.js'
import type { SetupStep } from '../connection-setup.js'
import { mapConnectionSettings, smallerTimeout } from '../connection-settings.js'
import { knexDialectClient } from '../knex-internals.js'
import { sluiceClient } from '../sluice-client.js'
import { nestTables, nestTablesOption } from '../nest-tables.js'
import { arrayRowsWhen, queryOptions, type QueryOptionRules, type SluiceFlavor } from '../sluice-flavor.js'

/** Knex's mysql2 connection keys (mysql2's names and Sluice's) → `mysql({...})` options. */
const MYSQL_NAMES: Readonly<Record<string, string | null>> = {
  connectionString: 'connectionString',
  host: 'host',
  port: 'port',
  user: 'user',
  password: 'password',
  database: 'database',
  ssl: 'ssl',
  charset: 'charset',
  timezone: 'timezone',
  dateStrings: 'dateStrings',
  supportBigNumbers: 'supportBigNumbers',
  bigNumberStrings: 'bigNumberStrings',
  typeCast: 'typeCast',
  multipleStatements: 'multipleStatements',
  connectTimeout: 'connectTimeoutMillis',
  connectTimeoutMillis: 'connectTimeoutMillis',
}

const PER_CONNECTION = 'Sluice parses values per connection: set it in the connection settings'

/** mysql2's query options, as stock Knex passes `.options({...})` into them. */
const MYSQL_QUERY_OPTIONS: QueryOptionRules = {
  honoured: {
    rowsAsArray: arrayRowsWhen(true),
    // read as arrays, nested in respond(): columns of the same name from two tables both survive
    nestTables: (value) => (value === true || typeof value === 'string' ? { rowMode: 'array' } : undefined),
    timeout: (value) => (typeof value === 'number' && value > 0 ? { timeoutMillis: value } : undefined),
    // mysql2's own per-query option, as stock passes it
    typeCast: (value) => (typeof value === 'boolean' || typeof value === 'function' ? { typeCast: value as ExecuteOptions['typeCast'] } : undefined),
  },
  refused: {
    dateStrings: PER_CONNECTION,
    supportBigNumbers: PER_CONNECTION,
    bigNumberStrings: PER_CONNECTION,
    decimalNumbers: PER_CONNECTION,
    namedPlaceholders: 'Knex binds positional parameters',
  },
}

/** The member of Knex's `Client_MySQL` the adapter calls, which Knex's typings leave out. */
interface KnexMysqlClient extends Knex.Client {
  checkVersion(connection: CallbackConnection): Promise<unknown>
}

const mysql2Flavor: SluiceFlavor = {
  placeholderSettings: {},

  dialect(client, settings, pool) {
    const options = mapConnectionSettings(settings, MYSQL_NAMES, 'mysql2')
    options.connectTimeoutMillis = smallerTimeout(options.connectTimeoutMillis, pool.createTimeoutMillis)
    return mysql({ ...options, driver: client.driver } as MysqlDialectConfig)
  },

  connectionSetup(client) {
    // stock Client_MySQL.acquireRawConnection: the server's version (and whether it is MariaDB), asked once per client
    const step: SetupStep = async (connection) => {
      await (client as KnexMysqlClient).checkVersion(callbackConnection(connection, (result) => [result.rows, result.fields]))
    }
    return [step]
  },

  bindings: (_client, bindings) => bindings,

  runOptions: (options) => queryOptions(options, MYSQL_QUERY_OPTIONS),

  // `[rows, fields]`, as stock `_query` builds from mysql2's callback
  respond(obj, result) {
    const nest = nestTablesOption(obj.options)
    const [rows, fields] = result.raw as [unknown, unknown]
    obj.response = nest !== undefined && Array.isArray(rows) && Array.isArray(fields) ? [nestTables(rows, fields, nest), fields] : result.raw
  },
}

/**
 * Knex's MySQL/MariaDB client (`client: 'mysql2'`) on a Sluice pool.
 *
 * ```ts
 * import knex from 'knex'
 * import { SluiceMysql2 } from '@sluice/knex'
 *
 * const db = knex({ client: SluiceMysql2, connection: { host: 'db', user: 'app', password, database: 'shop' } })
 * ```
 */
export class SluiceMysql2 extends sluiceClient(knexDialectClient('mysql2'), mysql2Flavor) {}
