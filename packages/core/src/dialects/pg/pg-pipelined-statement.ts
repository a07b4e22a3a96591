/**
 * One autocommit statement, pipelined behind whatever else is in flight on the
 * same client: the pg half of implicit pipelining (`pool` option
 * `implicitPipelining`, on by default).
 *
 * Each statement is its own segment (Parse/Bind/Describe/Execute + Sync), so
 * it runs in its own implicit transaction and a failure cannot touch the
 * statements around it. While a pipeline query is pg's active query, new
 * statements are appended to it and written at once (those of one tick in
 * one write); when it has finished, the next statement starts a new one.
 * Answers come back in the order the statements were written, each settling
 * only its own promise; a fatal error fails every statement in flight with it.
 *
 * Statements the dialect's statement cache would name on the ordinary path
 * go out under the same names here (Bind/Execute/Sync only, once prepared on
 * the connection), with the same recoveries: a statement whose plan or type
 * changed, or whose name the server lost, is sent once more.
 *
 * @internal
 */
import type { QueryResult, RunOptions } from '../../dialect.js'
import type { PgClient } from './pg-driver-types.js'
import type { PipelinedName } from './pg-statement-cache.js'
import { batchDriver, canPipeline, PgPipelineQuery, pipelineQueryResult, type PgBatchDriver, type PgPipelineClient, type PgPipeliningHost, type StepOutcome } from './pg-wire-pipeline.js'

/** The statement cache, as far as pipelined statements use it (`PgStatementCache`). */
export interface PgPipelineNaming {
  pipelineName(client: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): PipelinedName
  pipelineFailed(client: PgClient, sql: string, sent: PipelinedName, error: unknown): boolean
}

const UNNAMED: PipelinedName = { name: '', parse: true, close: [] }

/** The pipeline query of each client that still takes statements. */
const open = new WeakMap<PgPipelineClient, PgPipelineQuery>()

function send(client: PgPipelineClient, sql: string, values: unknown[], options: RunOptions, sent: PipelinedName): Promise<QueryResult> {
  return new Promise<QueryResult>((resolve, reject) => {
    const settle = (outcome: StepOutcome): void => {
      if (outcome.kind === 'ok') resolve(pipelineQueryResult(outcome.result))
      else if (outcome.kind === 'error') reject(outcome.error)
      // a one-statement segment is never skipped; answer anyway rather than hang
      else reject(new Error('The statement was not run'))
    }
    const step = { text: sql, name: sent.name, parse: sent.parse, values, describe: true, rowMode: options.rowMode ?? 'object', settle }
    const segment = { close: sent.close, steps: [step] }
    if (open.get(client)?.append(segment) === true) return
    const pipeline = new PgPipelineQuery(client, [segment])
    open.set(client, pipeline)
    void pipeline.finished.then(() => {
      if (open.get(client) === pipeline) open.delete(client)
    })
    client.query(pipeline)
  })
}

async function runPipelined(
  client: PgPipelineClient,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  driver: PgBatchDriver,
  naming: PgPipelineNaming | undefined,
): Promise<QueryResult> {
  // mapped once: a retry sends the same values
  const values = (params ?? []).map((value) => driver.prepareValue(value))
  const raw = client as unknown as PgClient
  for (let attempt = 1; ; attempt++) {
    const sent = naming?.pipelineName(raw, sql, params, options) ?? UNNAMED
    try {
      return await send(client, sql, values, options, sent)
    } catch (error) {
      // the cache forgets a failed Parse either way; a second attempt only after a failure that came before the statement ran
      const again = naming !== undefined && naming.pipelineFailed(raw, sql, sent, error)
      if (!again || attempt > 1) throw error
    }
  }
}

/** `runPipelined` of the pg dialect: behind the statements in flight where the client allows it, else after them through pg's own queue. */
export function pgRunPipelined(
  raw: unknown,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  host: PgPipeliningHost,
  naming?: PgPipelineNaming,
): Promise<QueryResult> {
  const driver = batchDriver(host)
  // without the protocol connection, pg's own queue runs it after the others
  if (driver === undefined || !canPipeline(raw)) return host.run(sql, params, options)
  return runPipelined(raw, sql, params, options, driver, naming)
}
