// An ES module app on the packed packages: import of core and every adapter
// (inside the compiled module), a query through each on SQLite, and the
// dual-package check: a CommonJS module that requires @sluice/kysely (and so
// @sluice/core) throws errors this app's own PoolTimeoutError recognises.
/* global fetch -- Node 20 has it */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool, PoolTimeoutError, sqlite } from '@sluice/core'
import { RoutedConnection } from '@sluice/core/adapter'
import { startDashboard } from '@sluice/dashboard'
import { sharedBreaker } from '@sluice/redis'
import { EXPECTED, poolTimeoutThroughKysely, queryThroughEverything } from './build/query-through-everything.mjs'

const require = createRequire(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'sluice-esm-app-'))
try {
  assert.deepEqual(await queryThroughEverything(dir), EXPECTED)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

// one copy of core whichever way it is loaded
assert.equal(require('@sluice/core').Pool, Pool)
assert.equal(require('@sluice/core/adapter').RoutedConnection, RoutedConnection)
// nothing else keeps this process alive while it waits: the engine's acquire
// timer must (a script would otherwise end unsettled at the await)
const throughImport = await poolTimeoutThroughKysely()
assert.ok(throughImport instanceof PoolTimeoutError, `through import: ${throughImport}`)
const throughRequire = await require('./build/query-through-everything.cjs').poolTimeoutThroughKysely()
assert.ok(throughRequire instanceof PoolTimeoutError, `through require(): ${throughRequire}`)

// the dashboard's ES module build serves a pool of this app's core
const pool = new Pool({ dialect: sqlite({ filename: ':memory:' }), name: 'esm', min: 1, max: 1 })
const dashboard = await startDashboard({ pools: [pool] })
try {
  await pool.query('SELECT 1')
  const metrics = await (await fetch(dashboard.prometheusUrl)).text()
  assert.match(metrics, /^sluice_queries_total\{pool="esm",node="primary"\} [1-9]/m)
} finally {
  await dashboard.close()
  await pool.close()
}
assert.equal(typeof sharedBreaker, 'function')

console.log('es module app: core, kysely, knex and drizzle answered on SQLite; one @sluice/core for import and require(); the dashboard served /metrics; @sluice/redis loaded')
