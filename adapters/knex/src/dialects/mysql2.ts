import { mysql, type MysqlDialectConfig } from '@sluice/core'
import type { Knex } from 'knex'
import { callbackConnection, type CallbackConnection } from '../callback-connection.js'
import type { SetupStep } from '../connection-setup.js'
import { mapConnectionSettings, smallerTimeout } from '../connection-settings.js'
import { knexDialectClient } from '../knex-internals.js'
import { sluiceClient } from '../sluice-client.js'
import { arrayRowOptions, type SluiceFlavor } from '../sluice-flavor.js'

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
  connectTimeout: 'connectTimeoutMillis',
  connectTimeoutMillis: 'connectTimeoutMillis',
}

/** The member of Knex's `Client_MySQL` the adapter calls, which Knex's typings leave out. */
interface KnexMysqlClient extends Knex.Client {
  checkVersion(connection: CallbackConnection): Promise<unknown>
}

const mysql2Flavor: SluiceFlavor = {
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

  runOptions: (options) => arrayRowOptions(options, ['rowsAsArray', true]),

  // `[rows, fields]`, as stock `_query` builds from mysql2's callback
  respond(obj, result) {
    obj.response = result.raw
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
