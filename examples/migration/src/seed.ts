import type { Pool } from '@sluice/core'
import { SOURCE_TABLE } from './schema.js'

/**
 * Fills the legacy table with `rows` deterministic users (ids 1..rows, with
 * gaps the keyset reads must not mind), replacing what was there.
 */
export async function seedSource(source: Pool, rows: number): Promise<void> {
  await source.query(`DROP TABLE IF EXISTS ${SOURCE_TABLE}`)
  await source.query(`CREATE TABLE ${SOURCE_TABLE} (
    id BIGINT PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    metadata JSON NULL
  )`)
  // the batch API folds these same-shape INSERTs into multi-row INSERTs on MySQL
  const pipe = source.pipeline({ batchSize: 500, strategy: 'transactional' })
  const start = Date.UTC(2019, 0, 1)
  for (let i = 1; i <= rows; i++) {
    const id = i * 3 // gaps: keyset pagination must not assume dense ids
    const metadata = i % 10 === 0 ? null : JSON.stringify({ plan: ['free', 'pro', 'team'][i % 3], logins: i % 97, tags: [`t${i % 5}`], note: i % 7 === 0 ? "it's \"quoted\"" : undefined })
    void pipe.add(`INSERT INTO ${SOURCE_TABLE} (id, email, name, created_at, metadata) VALUES (?, ?, ?, ?, ?)`, [
      id,
      `user${id}@example.com`,
      ` User ${id} `,
      new Date(start + i * 61_000 + (i % 1000)),
      metadata,
    ])
    if (i % 500 === 0) await pipe.waitForRoom()
  }
  const report = await pipe.close()
  if (report.failed + report.notRun + report.rolledBack > 0) throw new Error(`seeding failed: ${(report.items.find((item) => item.error)?.error as Error | undefined)?.message}`)
}
