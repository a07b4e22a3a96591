import type { Pool } from '@sluice/core'
import type { CheckpointFile, Checkpoint } from './checkpoint.js'
import { ProgressBar } from './progress-bar.js'
import { SOURCE_TABLE, UPSERT, createTargetTable, transform, upsertParams, type LegacyUser } from './schema.js'

export interface MigrationOptions {
  readonly source: Pool
  readonly target: Pool
  readonly checkpoint: CheckpointFile
  /** Rows per read and per pipelined write. */
  readonly batchSize: number
  /** Throttle, so a live legacy database is not swamped; 0 for none. */
  readonly maxRowsPerSecond?: number
  /** Aborted (Ctrl-C): the batch being written finishes and is checkpointed, then the run stops. */
  readonly signal?: AbortSignal
  readonly progress?: boolean
}

export interface MigrationResult {
  readonly migrated: number
  readonly lastId: number
  /** Rows this run wrote (a resumed run starts from the checkpoint). */
  readonly thisRun: number
  readonly resumedFrom: Checkpoint
  readonly interrupted: boolean
}

/**
 * The seed's migration, in key order: each batch is read with keyset
 * pagination (`WHERE id > last ORDER BY id LIMIT n`: every read is an index
 * range, however far in, unlike OFFSET), transformed, and written to
 * PostgreSQL as one transactional pipeline of upserts (one round trip per
 * batch). The next batch is read while this one is written. The checkpoint
 * moves only after a batch committed, so a run stopped anywhere resumes
 * without losing or duplicating a row.
 */
export async function migrate({ source, target, checkpoint, batchSize, maxRowsPerSecond = 0, signal, progress = true }: MigrationOptions): Promise<MigrationResult> {
  await createTargetTable(target)
  const resumedFrom = await checkpoint.load()
  let { lastId, migrated } = resumedFrom
  const remaining = await source.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${SOURCE_TABLE} WHERE id > ?`, [lastId], { fetch: 'one' })
  const bar = progress ? new ProgressBar(migrated + Number(remaining?.n ?? 0), migrated) : undefined
  const started = performance.now()
  const readAfter = (after: number) =>
    source.query<LegacyUser>(`SELECT id, email, name, created_at, metadata FROM ${SOURCE_TABLE} WHERE id > ? ORDER BY id LIMIT ?`, [after, batchSize])

  let batch = await readAfter(lastId)
  while (batch.length > 0 && !signal?.aborted) {
    const last = Number(batch.at(-1)!.id)
    // read ahead on the source while the target writes
    const next = batch.length === batchSize ? readAfter(last) : Promise.resolve([])
    next.catch(() => {}) // awaited below; a failed write must not leave it unhandled meanwhile
    await write(target, batch, batchSize)
    lastId = last
    migrated += batch.length
    await checkpoint.save({ lastId, migrated })
    bar?.update(migrated)
    await throttle(migrated - resumedFrom.migrated, started, maxRowsPerSecond)
    batch = await next
  }
  bar?.finish(migrated)
  return { migrated, lastId, thisRun: migrated - resumedFrom.migrated, resumedFrom, interrupted: signal?.aborted === true && batch.length > 0 }
}

/** One batch as one transaction of upserts, pipelined: all or nothing, so the checkpoint can trust it. */
async function write(target: Pool, rows: readonly LegacyUser[], batchSize: number): Promise<void> {
  const pipe = target.pipeline({ batchSize, strategy: 'transactional', flushIntervalMillis: 0 })
  for (const row of rows) void pipe.add(UPSERT, upsertParams(transform(row)))
  const report = await pipe.close()
  if (report.succeeded !== rows.length) {
    const failed = report.items.find((item) => item.status === 'error')
    throw new Error(`writing ids ${rows[0]!.id}..${rows.at(-1)!.id} failed: ${(failed?.error as Error | undefined)?.message ?? 'not run'}`, { cause: failed?.error })
  }
}

async function throttle(rows: number, started: number, maxRowsPerSecond: number): Promise<void> {
  if (maxRowsPerSecond <= 0) return
  const due = started + (rows / maxRowsPerSecond) * 1000
  const wait = due - performance.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}
