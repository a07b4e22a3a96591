/**
 * A small shop on Kysely and Sluice.
 *
 *   pnpm --filter @sluice/example-kysely-app start                              # SQLite in a temp file
 *   DATABASE_URL=postgres://... pnpm --filter @sluice/example-kysely-app start  # PostgreSQL
 *   DATABASE_URL=mysql://... pnpm --filter @sluice/example-kysely-app start     # MySQL / MariaDB
 *
 * Exits with 1 when the audit finds stock or revenue that does not balance.
 */
import { run } from './app.js'

try {
  const result = await run({ databaseUrl: process.env.DATABASE_URL || undefined })
  if (!result.ok) process.exitCode = 1
} catch (error) {
  console.error(error instanceof Error ? `shop failed: ${error.stack ?? error.message}` : error)
  process.exitCode = 1
}
