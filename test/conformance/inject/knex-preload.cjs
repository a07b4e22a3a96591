// Loaded with `node -r` into every process of the Knex suite's Sluice run
// (copied to <knex checkout>/.sluice/): Knex's dialect lookup answers the
// Sluice client for the database under test, so `knex({ client: 'pg' })`
// anywhere in the suite (knexfile, instance provider, single tests) runs on
// Sluice. Patched before Knex loads, because Knex reads the lookup once.
'use strict'
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for node -r */

const dialects = require('../lib/dialects/index.js')

const stockLookup = dialects.getDialectByNameOrAlias
let swapped = {}
dialects.getDialectByNameOrAlias = (name) => swapped[name] ?? stockLookup(name)

// the adapter takes its base classes from the stock lookup while `swapped` is still empty
const sluice = require('./sluice-knex.cjs')

const CLIENTS = {
  postgres: [['pg', 'postgres', 'postgresql'], sluice.SluicePg],
  mysql2: [['mysql2'], sluice.SluiceMysql2],
  'better-sqlite3': [['better-sqlite3'], sluice.SluiceBetterSqlite3],
}
const chosen = CLIENTS[process.env.DB]
if (chosen === undefined) throw new Error(`[conformance] no Sluice client for DB=${process.env.DB}`)
const [names, sluiceClient] = chosen

/**
 * SLUICE_CONFORMANCE_POOL (JSON): Sluice pool options added to every Knex
 * instance's `pool`, e.g. `{"implicitPipelining":true,"statementLevel":true}` to
 * run the suite on statement-level connections; the suite's own pool settings win.
 */
function withPoolOptions(Client, json) {
  if (json === undefined || json === '') return Client
  const extra = JSON.parse(json)
  return class extends Client {
    constructor(config = {}) {
      super({ ...config, pool: { ...extra, ...config.pool } })
    }
  }
}

const client = withPoolOptions(sluiceClient, process.env.SLUICE_CONFORMANCE_POOL)
swapped = Object.fromEntries(names.map((name) => [name, client]))
