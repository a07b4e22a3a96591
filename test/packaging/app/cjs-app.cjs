// A plain CommonJS app on the packed packages: require() of core and every
// adapter (inside the compiled module), a query through each on SQLite, the
// dashboard on a pool, and @sluice/redis loaded (with its ioredis peer).
/* global fetch -- Node 20 has it */
const assert = require('node:assert/strict')
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const { EXPECTED, queryThroughEverything } = require('./build/query-through-everything.cjs')
const { createPool, sqlite } = require('@sluice/core')
const { startDashboard } = require('@sluice/dashboard')
const { sharedBreaker } = require('@sluice/redis')

/** The dashboard on a SQLite pool: its page and its /metrics answer, then it closes. */
async function dashboardAnswers(dir) {
  const pool = createPool({ dialect: sqlite({ filename: join(dir, 'dashboard.db') }), name: 'cjs', min: 1, max: 2 })
  const dashboard = await startDashboard({ pools: [pool] })
  try {
    await pool.query('SELECT 1')
    assert.equal((await fetch(dashboard.url)).status, 200)
    const metrics = await (await fetch(dashboard.prometheusUrl)).text()
    assert.match(metrics, /^sluice_queries_total\{pool="cjs",node="primary"\} [1-9]/m)
  } finally {
    await dashboard.close()
    await pool.close()
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cjs-app-'))
  try {
    assert.deepEqual(await queryThroughEverything(dir), EXPECTED)
    await dashboardAnswers(dir)
    assert.equal(typeof sharedBreaker, 'function')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('commonjs app: core, kysely, knex and drizzle answered on SQLite; the dashboard served its page and /metrics; @sluice/redis loaded')
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
