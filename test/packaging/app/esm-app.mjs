// An ES module app on the packed packages: import of core and every adapter
// (inside the compiled module), a query through each on SQLite, and the
// dual-package check: a CommonJS module that requires @sluice/kysely (and so
// @sluice/core) throws errors this app's own PoolTimeoutError recognises.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool, PoolTimeoutError } from '@sluice/core'
import { RoutedConnection } from '@sluice/core/adapter'
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
// the engine's acquire timer does not keep the process alive yet (an awaited acquire on an
// in-memory SQLite pool would end the process unsettled), so this app does while it waits
const keepAlive = setInterval(() => {}, 1000)
try {
  const throughImport = await poolTimeoutThroughKysely()
  assert.ok(throughImport instanceof PoolTimeoutError, `through import: ${throughImport}`)
  const throughRequire = await require('./build/query-through-everything.cjs').poolTimeoutThroughKysely()
  assert.ok(throughRequire instanceof PoolTimeoutError, `through require(): ${throughRequire}`)
} finally {
  clearInterval(keepAlive)
}

console.log('es module app: core, kysely, knex and drizzle answered on SQLite; one @sluice/core for import and require()')
