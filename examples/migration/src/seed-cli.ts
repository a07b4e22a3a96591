/** Fills the legacy table for a trial run: `SOURCE_URL=mysql://... ROWS=100000 pnpm --filter @sluice/example-migration seed`. */
import { createPool, dialectFromUrl } from '@sluice/core'
import { seedSource } from './seed.js'

const url = process.env.SOURCE_URL
if (!url) throw new Error('SOURCE_URL is required')
const pool = createPool({ dialect: dialectFromUrl(url), name: 'seed', max: 2 })
try {
  const rows = Number(process.env.ROWS ?? 10_000)
  await seedSource(pool, rows)
  console.log(`seeded ${rows} legacy users`)
} finally {
  await pool.close()
}
