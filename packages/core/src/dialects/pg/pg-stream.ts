import type { PgClient, PgModule, PgQueryConfig } from './pg-driver-types.js'
import { PgPortalCursor } from './pg-portal-cursor.js'
import { query, transactionStatus } from './pg-query.js'
import { canPipeline, type PgPipelineClient } from './pg-wire-pipeline.js'

/** What a stream needs besides the client: the statement, its values and the chunk size. */
export interface PgStreamRequest {
  readonly sql: string
  readonly params: readonly unknown[] | undefined
  readonly chunkSize: number
}

/**
 * Streams the rows of any row-returning statement, `chunkSize` rows per
 * round trip: through a portal read with Execute's row limit (see
 * `pg-portal-cursor.ts`), so `INSERT/UPDATE/DELETE ... RETURNING` stream as
 * SELECT does. A client without pg's protocol connection (pg-native) falls
 * back to a server-side cursor (`DECLARE`), which takes SELECT and VALUES only.
 */
export async function* streamRows(client: PgClient, request: PgStreamRequest, driver: () => Promise<PgModule>): AsyncGenerator<Record<string, unknown>> {
  const prepareValue = (await driver()).utils?.prepareValue
  if (!canPipeline(client) || prepareValue === undefined) {
    yield* streamThroughDeclaredCursor(client, request)
    return
  }
  const values = (request.params ?? []).map((value) => prepareValue(value))
  const cursor = new PgPortalCursor(client as PgPipelineClient, request.sql, values, request.chunkSize)
  // pg queues it behind whatever runs on the client and submits it when its turn comes
  void (client as PgPipelineClient).query(cursor)
  try {
    for (;;) {
      const { rows, done } = await cursor.next()
      yield* rows
      if (done) break
    }
  } finally {
    // runs on completion, on error and on the consumer's early break (return())
    await cursor.close()
  }
}

let cursorCount = 0

/**
 * Through a server-side cursor, `chunkSize` rows per FETCH. Outside a
 * transaction it opens one to hold the cursor and commits it at the end (or
 * on an early `break`); inside one it only closes its cursor.
 */
async function* streamThroughDeclaredCursor(client: PgClient, { sql, params, chunkSize }: PgStreamRequest): AsyncGenerator<Record<string, unknown>> {
  const cursor = `sluice_cursor_${++cursorCount}`
  const ownTransaction = !(await transactionOpen(client))
  if (ownTransaction) await query(client, { text: 'BEGIN' })
  let failed = false
  try {
    const declare: PgQueryConfig = { text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql.replace(/[\s;]+$/, '')}` }
    if (params !== undefined) declare.values = params
    await query(client, declare)
    const fetch = { text: `FETCH FORWARD ${chunkSize} FROM ${cursor}` }
    for (;;) {
      const result = await query(client, fetch)
      const rows = (Array.isArray(result) ? [] : result.rows) as Array<Record<string, unknown>>
      yield* rows
      if (rows.length < chunkSize) break
    }
  } catch (error) {
    failed = true
    throw error
  } finally {
    const ending = endCursor(client, cursor, ownTransaction, failed)
    // after a failure, a failing clean-up must not hide the original error
    await (failed ? ending.catch(ignore) : ending)
  }
}

async function endCursor(client: PgClient, cursor: string, ownTransaction: boolean, failed: boolean): Promise<void> {
  // ending our own transaction closes the cursor with it
  if (ownTransaction) await query(client, { text: failed ? 'ROLLBACK' : 'COMMIT' })
  // after a server error the caller's transaction is aborted and the cursor gone with it
  else if (!failed) await query(client, { text: `CLOSE ${cursor}` })
}

async function transactionOpen(client: PgClient): Promise<boolean> {
  const status = transactionStatus(client)
  if (status !== null) return status !== 'I'
  // pg < 8.21 and the native client do not say; SAVEPOINT fails outside a transaction block
  try {
    await query(client, { text: 'SAVEPOINT sluice_stream_probe' })
  } catch (error) {
    if ((error as { code?: unknown }).code === '25P01') return false
    throw error
  }
  await query(client, { text: 'RELEASE SAVEPOINT sluice_stream_probe' })
  return true
}

function ignore(): void {}
