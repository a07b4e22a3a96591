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
import { batchDriver, canPipeline, PgPipelineQuery, pipelineQueryResult, type PgBatchDriver, type PgPipelineClient, type PgPipeliningHost, type StepOutcome } from './pg-wire-pipeline.js'

/** The pipeline query of each client that still takes statements. */
const open = new WeakMap<PgPipelineClient, PgPipelineQuery>()

function runPipelined(
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

/** `runPipelined` of the pg dialect: behind the statements in flight where the client allows it, else after them through pg's own queue. */
export function pgRunPipelined(raw: unknown, sql: string, params: readonly unknown[] | undefined, options: RunOptions, host: PgPipeliningHost): Promise<QueryResult> {
  const driver = batchDriver(host)
  // without the protocol connection, pg's own queue runs it after the others
  if (driver === undefined || !canPipeline(raw)) return host.run(sql, params, options)
  return runPipelined(raw, sql, params, options, driver)
}
