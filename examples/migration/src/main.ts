/**
 * The seed's data migration: MySQL / MariaDB -> PostgreSQL through two
 * Sluice pools.
 *
 *   SOURCE_URL=mysql://user:pass@host/legacy TARGET_URL=postgres://user:pass@host/app pnpm --filter @sluice/example-migration start
 *
 * BATCH_SIZE (default 500) rows per batch; MAX_ROWS_PER_SECOND throttles;
 * CHECKPOINT (default ./migration.checkpoint.json) is where a stopped run
 * resumes from. Ctrl-C finishes the batch in flight, saves the checkpoint
 * and exits 130; run the same command again to resume. At the end both
 * sides are counted and checksummed.
 */
import { createPool, dialectFromUrl, type Pool } from '@sluice/core'
import { CheckpointFile } from './checkpoint.js'
import { migrate } from './migrate.js'
import { verify } from './verify.js'

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required (see the top of src/main.ts)`)
  return value
}

function integer(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return value
}

const interrupt = new AbortController()
process.once('SIGINT', () => {
  interrupt.abort()
  process.once('SIGINT', () => process.exit(130))
})

let source: Pool | undefined
let target: Pool | undefined
try {
  source = createPool({ dialect: dialectFromUrl(required('SOURCE_URL')), name: 'source', min: 1, max: 2 })
  target = createPool({ dialect: dialectFromUrl(required('TARGET_URL')), name: 'target', min: 1, max: 4 })
  const checkpoint = new CheckpointFile(process.env.CHECKPOINT || 'migration.checkpoint.json')
  const result = await migrate({
    source,
    target,
    checkpoint,
    batchSize: integer('BATCH_SIZE', 500, 1),
    maxRowsPerSecond: integer('MAX_ROWS_PER_SECOND', 0, 0),
    signal: interrupt.signal,
  })
  if (result.resumedFrom.migrated > 0) console.log(`resumed after id ${result.resumedFrom.lastId} (${result.resumedFrom.migrated} rows already there)`)
  if (result.interrupted) {
    console.log(`interrupted: ${result.migrated} rows migrated up to id ${result.lastId}; checkpoint saved in ${checkpoint.path}, run again to resume`)
    process.exitCode = 130
  } else {
    const check = await verify(source, target)
    console.log(`migrated ${result.thisRun} rows in this run, ${result.migrated} in all`)
    console.log(`verify: source ${check.sourceRows} rows sha256 ${check.sourceChecksum.slice(0, 16)}, target ${check.targetRows} rows sha256 ${check.targetChecksum.slice(0, 16)}: ${check.matches ? 'match' : 'MISMATCH'}`)
    if (check.matches) await checkpoint.remove()
    else process.exitCode = 1
  }
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await Promise.all([source?.close({ timeoutMillis: 5_000 }), target?.close({ timeoutMillis: 5_000 })])
}
