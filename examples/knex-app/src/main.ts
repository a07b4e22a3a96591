/**
 * A small shop on Knex with Sluice as its pool: orders placed by concurrent
 * workers, each in a transaction that locks the products it takes from, and
 * a report that checks the stock adds up.
 *
 *   pnpm --filter @sluice/example-knex-app start                        # SQLite in a temp file
 *   DATABASE_URL=postgres://... pnpm --filter @sluice/example-knex-app start
 *   DATABASE_URL=mysql://...    pnpm --filter @sluice/example-knex-app start
 *
 * Exits with 1 when a check fails.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from './app.js'

const dir = mkdtempSync(join(tmpdir(), 'knex-app-'))
try {
  const result = await run({ databaseUrl: process.env.DATABASE_URL, sqliteFile: join(dir, 'shop.db'), print: (line) => console.log(line) })
  if (!result.ok) process.exitCode = 1
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
