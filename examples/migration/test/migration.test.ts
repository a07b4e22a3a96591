import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPool, dialectFromUrl, type Pool } from '@sluice/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CheckpointFile } from '../src/checkpoint.js'
import { migrate } from '../src/migrate.js'
import { TARGET_TABLE } from '../src/schema.js'
import { seedSource } from '../src/seed.js'
import { verify } from '../src/verify.js'

const SOURCE_URL = process.env.SLUICE_TEST_MYSQL_URL ?? 'mysql://sluice:sluice-secret@127.0.0.1:3306/sluice'
const TARGET_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice'
const ROWS = 3_000
const example = join(dirname(fileURLToPath(import.meta.url)), '..')

describe('the migration example (MariaDB -> PostgreSQL)', () => {
  let source: Pool
  let target: Pool
  const dir = mkdtempSync(join(tmpdir(), 'sluice-migration-'))
  const checkpointPath = join(dir, 'checkpoint.json')

  beforeAll(async () => {
    source = createPool({ dialect: dialectFromUrl(SOURCE_URL), name: 'source', min: 0, max: 2 })
    target = createPool({ dialect: dialectFromUrl(TARGET_URL), name: 'target', min: 0, max: 4 })
    await seedSource(source, ROWS)
    await target.query(`DROP TABLE IF EXISTS ${TARGET_TABLE}`)
  }, 60_000)
  afterAll(async () => {
    await Promise.all([source.close(), target.close()])
    rmSync(dir, { recursive: true, force: true })
  })

  it('stops on Ctrl-C with a checkpoint, resumes from it, and verifies count and checksum', async () => {
    // the CLI, throttled so that the signal lands midway
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sluice/source', 'src/main.ts'], {
      cwd: example,
      env: { ...process.env, SOURCE_URL, TARGET_URL, CHECKPOINT: checkpointPath, BATCH_SIZE: '100', MAX_ROWS_PER_SECOND: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // the first progress line (a plain line: stdout is not a terminal) means batches are committing
    while (!/^\d+\/3000 rows \(\d+%\) \| \d+ rows\/s \| ETA /m.test(stdout) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(stderr).toBe('')
    expect(code).toBe(130)
    const saved = JSON.parse(readFileSync(checkpointPath, 'utf8')) as { lastId: number; migrated: number }
    expect(saved.migrated).toBeGreaterThan(0)
    expect(saved.migrated).toBeLessThan(ROWS)
    expect(saved.lastId).toBe(saved.migrated * 3) // ids are 3, 6, 9, ...: every row up to lastId, no more
    expect(stdout).toContain(`interrupted: ${saved.migrated} rows migrated up to id ${saved.lastId}; checkpoint saved in ${checkpointPath}, run again to resume`)
    const partial = await target.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${TARGET_TABLE}`, [], { fetch: 'one' })
    expect(Number(partial!.n)).toBe(saved.migrated) // the checkpoint covers exactly what the target committed

    // resume, in process
    const result = await migrate({ source, target, checkpoint: new CheckpointFile(checkpointPath), batchSize: 250, progress: false })
    expect(result.resumedFrom).toEqual(saved)
    expect(result).toMatchObject({ migrated: ROWS, thisRun: ROWS - saved.migrated, lastId: ROWS * 3, interrupted: false })

    const check = await verify(source, target)
    expect(check).toMatchObject({ sourceRows: ROWS, targetRows: ROWS, matches: true })
    expect(check.sourceChecksum).toMatch(/^[0-9a-f]{64}$/)
    const sample = await target.query(`SELECT full_name, attributes FROM ${TARGET_TABLE} WHERE legacy_id = $1`, [21], { fetch: 'one' })
    expect(sample).toEqual({ full_name: 'User 21', attributes: { plan: 'pro', logins: 7, tags: ['t2'], note: 'it\'s "quoted"' } })
  }, 60_000)

  it('the verification notices a changed row', async () => {
    await target.query(`UPDATE ${TARGET_TABLE} SET email = 'changed@example.com' WHERE legacy_id = $1`, [300])
    const check = await verify(source, target)
    expect(check.sourceRows).toBe(check.targetRows)
    expect(check.matches).toBe(false)
  })
})
