// A Jest project with Jest's defaults (CommonJS, babel-jest): the packed
// packages load through Jest's own module registry, drivers included.
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const { PoolTimeoutError } = require('@sluice/core')
const { EXPECTED, poolTimeoutThroughKysely, queryThroughEverything } = require('../build/query-through-everything.cjs')

test('core and every adapter run a query on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-jest-'))
  try {
    expect(await queryThroughEverything(dir)).toEqual(EXPECTED)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test("an adapter's pool fails with the PoolTimeoutError the test imports", async () => {
  expect(await poolTimeoutThroughKysely()).toBeInstanceOf(PoolTimeoutError)
})
