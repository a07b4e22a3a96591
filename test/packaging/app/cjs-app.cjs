// A plain CommonJS app on the packed packages: require() of core and every
// adapter (inside the compiled module), a query through each on SQLite.
const assert = require('node:assert/strict')
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const { EXPECTED, queryThroughEverything } = require('./build/query-through-everything.cjs')

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cjs-app-'))
  try {
    assert.deepEqual(await queryThroughEverything(dir), EXPECTED)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('commonjs app: core, kysely, knex and drizzle answered on SQLite')
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
