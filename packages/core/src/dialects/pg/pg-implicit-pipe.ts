/**
 * One autocommit statement, pipelined behind whatever else is in flight on the
 * same client: the pg half of implicit pipelining (`pool` option
 * `implicitPipelining`).
 *
 * Each statement is its own segment (Parse/Bind/Describe/Execute + Sync), so
 * it runs in its own implicit transaction and a failure cannot touch the
 * statements around it. While a pipeline query is pg's active query, new
 * statements are appended to it and written at once (those of one tick in
 * one write); when it has finished, the next statement starts a new one.
 * Answers come back in the order the statements were written, each settling
 * only its own promise; a fatal error fails every statement in flight with it.
 *
 * @internal
 */
import type { QueryResult, RunOptions } from '../../dialect.js'
import { PgPipelineQuery, pipelineQueryResult, type PgPipelineClient, type StepOutcome } from './pg-pipeline-query.js'
import type { PgBatchDriver } from './pg-batch.js'

/** The pipeline query of each client that still takes statements. */
const open = new WeakMap<PgPipelineClient, PgPipelineQuery>()

export function runPipelined(
  client: PgPipelineClient,
  sql: string,
  params: readonly unknown[] | undefined,
  options: RunOptions,
  driver: PgBatchDriver,
): Promise<QueryResult> {
  let values: unknown[]
  try {
    values = (params ?? []).map((value) => driver.prepareValue(value))
  } catch (error) {
    return Promise.reject(error)
  }
  return new Promise<QueryResult>((resolve, reject) => {
    const settle = (outcome: StepOutcome): void => {
      if (outcome.kind === 'ok') resolve(pipelineQueryResult(outcome.result))
      else if (outcome.kind === 'error') reject(outcome.error)
      // a one-statement segment is never skipped; answer anyway rather than hang
      else reject(new Error('The statement was not run'))
    }
    const segment = { steps: [{ text: sql, values, describe: true, rowMode: options.rowMode ?? 'object', settle }] }
    if (open.get(client)?.append(segment) === true) return
    const pipeline = new PgPipelineQuery(client, [segment])
    open.set(client, pipeline)
    void pipeline.finished.then(() => {
      if (open.get(client) === pipeline) open.delete(client)
    })
    client.query(pipeline)
  })
}
