import { afterEach, describe, expect, it } from 'vitest'
import type { QueryResult } from '../../src/dialect.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { BatchNotRunError, PipelineClosedError, PipelineFullError, PipelineStatementError } from '../../src/pipeline/pipeline-errors.js'
import type { Pipeline } from '../../src/pipeline/pipeline.js'
import { createPool, type Pool } from '../../src/pool.js'
import { flush, ManualClock } from '../support/manual-clock.js'
import { StubDialect, type StubConnection } from '../support/stub-dialect.js'

/** The stub, plus: `ECHO` returns its first parameter as `n`, and every statement can be held at a gate. */
class EchoDialect extends StubDialect {
  gated = false
  readonly #gates: Array<() => void> = []
  /** Statements running right now, per connection. */
  readonly running = new Map<number, number>()
  maxConcurrentConnections = 0

  override async run(raw: StubConnection, sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    this.running.set(raw.id, (this.running.get(raw.id) ?? 0) + 1)
    this.maxConcurrentConnections = Math.max(this.maxConcurrentConnections, [...this.running.values()].filter((n) => n > 0).length)
    try {
      if (this.gated) await new Promise<void>((resolve) => this.#gates.push(resolve))
      if (sql.startsWith('ECHO')) {
        raw.statements.push(sql)
        return { rows: [{ n: params?.[0] }], affectedRows: 1 }
      }
      return await super.run(raw, sql)
    } finally {
      this.running.set(raw.id, this.running.get(raw.id)! - 1)
    }
  }

  /** Lets every held statement go (and the ones that come later, until `gated` is set again). */
  release(): void {
    this.gated = false
    for (const open of this.#gates.splice(0)) open()
  }

  get held(): number {
    return this.#gates.length
  }
}

let pool: Pool | undefined

function setup(max = 3): { pool: Pool; dialect: EchoDialect; clock: ManualClock } {
  const dialect = new EchoDialect()
  const clock = new ManualClock()
  pool = createPool({ dialect, clock, min: 0, max, log: () => {} })
  return { pool, dialect, clock }
}

afterEach(async () => {
  await pool?.close()
  pool = undefined
})

function allStatements(dialect: StubDialect): string[] {
  return dialect.connections.flatMap((c) => c.statements)
}

describe('pipeline: batching', () => {
  it('sends a batch as soon as batchSize statements are queued', async () => {
    const { pool, dialect } = setup()
    const pipe = pool.pipeline({ batchSize: 3, flushIntervalMillis: 1_000 })
    const results = [1, 2, 3].map((n) => pipe.add('ECHO', [n]))
    await flush()
    expect(allStatements(dialect)).toEqual(['ECHO', 'ECHO', 'ECHO'])
    expect((await Promise.all(results)).map((r) => r.rows[0]?.n)).toEqual([1, 2, 3])
  })

  it('sends a partial batch after flushIntervalMillis, not before', async () => {
    const { pool, dialect, clock } = setup()
    const pipe = pool.pipeline({ batchSize: 10, flushIntervalMillis: 50 })
    const first = pipe.add('ECHO', [1])
    await clock.advance(30)
    void pipe.add('ECHO', [2])
    await clock.advance(19)
    expect(allStatements(dialect)).toEqual([])
    await clock.advance(1)
    expect(allStatements(dialect)).toEqual(['ECHO', 'ECHO'])
    expect((await first).rows).toEqual([{ n: 1 }])
  })

  it('resolves each add() with its own statement\'s result and position', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 7, flushIntervalMillis: 0 })
    const adds = Array.from({ length: 200 }, (_, n) => pipe.add('ECHO', [n]))
    // 200 = 28 full batches of 7 and one of 4, which goes at the interval (or on flush)
    expect((await pipe.flush()).batches).toBe(29)
    const results = await Promise.all(adds)
    results.forEach((result, n) => {
      expect(result.index).toBe(n)
      expect(result.rows).toEqual([{ n }])
    })
  })

  it('flush() sends what is queued at once and reports every statement since the last report', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 100, flushIntervalMillis: 60_000 })
    void pipe.add('ECHO', [1])
    void pipe.add('FAIL')
    const report = await pipe.flush()
    expect(report).toMatchObject({ succeeded: 1, failed: 1, notRun: 0, rolledBack: 0, batches: 1 })
    expect(report.items.map((i) => i.status)).toEqual(['ok', 'error'])
    void pipe.add('ECHO', [3])
    expect((await pipe.flush()).items.map((i) => i.index)).toEqual([2])
  })
})

describe('pipeline: strategies', () => {
  it('sequential: earlier ok, the failure its own error, later not run (naming the failed statement)', async () => {
    const { pool, dialect } = setup()
    const pipe = pool.pipeline({ batchSize: 5, strategy: 'sequential' })
    const adds = ['ECHO', 'ECHO', 'FAIL', 'ECHO', 'ECHO'].map((sql, n) => pipe.add(sql, [n]))
    const settled = await Promise.allSettled(adds)
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected'])
    expect((settled[2] as PromiseRejectedResult).reason.message).toMatch(/syntax error/)
    const notRun = (settled[3] as PromiseRejectedResult).reason
    expect(notRun).toBeInstanceOf(BatchNotRunError)
    expect(notRun).toMatchObject({ status: 'not-run', index: 3, failedIndex: 2, code: 'SLUICE_BATCH_NOT_RUN' })
    expect(notRun.message).toBe('Pipelined statement #3 was not run because statement #2 failed: syntax error at or near "FAIL"')
    expect(allStatements(dialect)).toEqual(['ECHO', 'ECHO', 'FAIL'])
  })

  it('sequential: statements queued behind a failed batch are not run either', async () => {
    const { pool, dialect } = setup()
    dialect.gated = true
    const pipe = pool.pipeline({ batchSize: 2, strategy: 'sequential' })
    void pipe.add('FAIL')
    void pipe.add('ECHO', [1])
    await flush()
    const behind = pipe.add('ECHO', [2])
    dialect.release()
    await expect(behind).rejects.toMatchObject({ status: 'not-run', failedIndex: 0 })
    const report = await pipe.flush()
    expect(report.items.map((i) => i.status)).toEqual(['error', 'not-run', 'not-run'])
    // a statement added after the failure runs
    const after = pipe.add('ECHO', [3])
    await pipe.flush()
    await expect(after).resolves.toMatchObject({ rows: [{ n: 3 }] })
  })

  it('transactional: one transaction per batch; a failure rolls back the others', async () => {
    const { pool, dialect } = setup()
    const pipe = pool.pipeline({ batchSize: 3, strategy: 'transactional' })
    const settled = await Promise.allSettled(['ECHO', 'FAIL', 'ECHO'].map((sql, n) => pipe.add(sql, [n])))
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason.status ?? 'error') : 'ok'))).toEqual(['rolled-back', 'error', 'rolled-back'])
    expect(allStatements(dialect)).toEqual(['BEGIN', 'ECHO', 'FAIL', 'ROLLBACK'])
    const ok = await Promise.all(['ECHO', 'ECHO'].map((sql, n) => pipe.add(sql, [n])).concat(pipe.add('ECHO', [2])))
    expect(ok.map((r) => r.rows[0]?.n)).toEqual([0, 1, 2])
    expect(allStatements(dialect).slice(-5)).toEqual(['BEGIN', 'ECHO', 'ECHO', 'ECHO', 'COMMIT'])
  })

  it('best-effort: a failure is that statement\'s alone', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 4, strategy: 'best-effort' })
    const settled = await Promise.allSettled(['ECHO', 'FAIL', 'ECHO', 'FAIL'].map((sql, n) => pipe.add(sql, [n])))
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect((await pipe.flush()).items.map((i) => i.status)).toEqual(['ok', 'error', 'ok', 'error'])
  })

  it('parallel: refuses writes at add(), spreads read batches over several connections', async () => {
    const { pool, dialect } = setup(3)
    const pipe = pool.pipeline({ batchSize: 2, strategy: 'parallel' })
    await expect(pipe.add('INSERT INTO t VALUES (1)')).rejects.toBeInstanceOf(PipelineStatementError)
    await expect(pipe.add('SELECT nextval(\'s\')')).rejects.toThrow(/reads only/)
    dialect.gated = true
    const reads = Array.from({ length: 6 }, () => pipe.add('SELECT 1'))
    await flush()
    expect(dialect.maxConcurrentConnections).toBe(3)
    dialect.release()
    await Promise.all(reads)
  })

  it('refuses transaction control in any strategy', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline()
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK', 'START TRANSACTION']) {
      await expect(pipe.add(sql)).rejects.toMatchObject({ code: 'SLUICE_PIPELINE_STATEMENT' })
    }
  })
})

describe('pipeline: backpressure', () => {
  async function fullPipe(onFull: 'wait' | 'error'): Promise<{ pipe: Pipeline; dialect: EchoDialect; clock: ManualClock; first: Array<Promise<unknown>> }> {
    const { pool, dialect, clock } = setup()
    dialect.gated = true
    const pipe = pool.pipeline({ batchSize: 2, maxQueueSize: 4, onFull, strategy: 'best-effort' })
    const first = [0, 1, 2, 3].map((n) => pipe.add('ECHO', [n]))
    await flush()
    return { pipe, dialect, clock, first }
  }

  it('waits for room in order by default, and loses nothing', async () => {
    const { pipe, dialect, clock, first } = await fullPipe('wait')
    expect(pipe.pending).toBe(4)
    let room = false
    void pipe.waitForRoom().then(() => (room = true))
    const later = [4, 5, 6].map((n) => pipe.add('ECHO', [n]))
    await flush()
    expect(pipe.pending).toBe(7)
    expect(room).toBe(false)
    // only the first batch (2) runs; the second batch waits behind it in a best-effort (ordered) pipeline
    expect(dialect.held).toBe(1)
    dialect.release()
    // the last statement is a batch of one: it goes at the interval
    await clock.advance(5)
    const results = await Promise.all([...first, ...later])
    expect(results.map((r) => (r as { rows: Array<{ n: number }> }).rows[0]?.n)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(room).toBe(true)
    expect(pipe.pending).toBe(0)
  })

  it('with onFull "error", rejects with PipelineFullError and keeps what it had', async () => {
    const { pipe, dialect, first } = await fullPipe('error')
    const refused = pipe.add('ECHO', [4])
    await expect(refused).rejects.toBeInstanceOf(PipelineFullError)
    await expect(refused).rejects.toThrow('Pipeline is full: 4 statements are already queued or running (maxQueueSize); the statement was not added')
    dialect.release()
    expect(await Promise.all(first)).toHaveLength(4)
    expect((await pipe.flush()).items).toHaveLength(4)
    const after = pipe.add('ECHO', [5])
    await pipe.flush()
    await expect(after).resolves.toMatchObject({ rows: [{ n: 5 }] })
  })
})

describe('pipeline: lifecycle and options', () => {
  it('close() sends the rest, reports, and refuses later statements', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 10, flushIntervalMillis: 60_000 })
    const pending = pipe.add('ECHO', [1])
    const report = await pipe.close()
    expect(report.succeeded).toBe(1)
    await expect(pending).resolves.toMatchObject({ rows: [{ n: 1 }] })
    await expect(pipe.add('ECHO', [2])).rejects.toBeInstanceOf(PipelineClosedError)
    expect(pipe.closed).toBe(true)
  })

  it('an unawaited failed add() does not become an unhandled rejection', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 1 })
    void pipe.add('FAIL')
    expect((await pipe.flush()).failed).toBe(1)
  })

  it('fails the batch with the pool\'s error when no connection can be had', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 1 })
    await pool.close()
    await expect(pipe.add('ECHO', [1])).rejects.toMatchObject({ code: 'SLUICE_POOL_CLOSED' })
    expect(() => pool.pipeline()).toThrow(/cannot open a pipeline, the pool is closed/)
  })

  it.each([
    [{ batchSize: 0 }, 'pipeline.batchSize', 'Sluice: invalid option pipeline.batchSize = 0: must be an integer >= 1'],
    [{ batchSize: 1.5 }, 'pipeline.batchSize', undefined],
    [{ flushIntervalMillis: -1 }, 'pipeline.flushIntervalMillis', undefined],
    [{ batchSize: 10, maxQueueSize: 5 }, 'pipeline.maxQueueSize', 'Sluice: invalid option pipeline.maxQueueSize = 5: must be at least batchSize (10)'],
    [{ strategy: 'fast' }, 'pipeline.strategy', 'Sluice: invalid option pipeline.strategy = "fast": must be one of sequential, transactional, best-effort, parallel'],
    [{ onFull: 'drop' }, 'pipeline.onFull', undefined],
    [{ batchsize: 10 }, 'pipeline.batchsize', 'Sluice: invalid option pipeline.batchsize = 10: unknown option'],
  ])('rejects %o with a ConfigError naming %s', (options, field, message) => {
    const { pool } = setup()
    let error: unknown
    try {
      pool.pipeline(options as never)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe(field)
    if (message !== undefined) expect((error as Error).message).toBe(message)
  })

  it('counts pipelined statements in the pool\'s stats', async () => {
    const { pool } = setup()
    const pipe = pool.pipeline({ batchSize: 3, strategy: 'best-effort' })
    await Promise.allSettled(['ECHO', 'FAIL', 'ECHO'].map((sql) => pipe.add(sql, [1])))
    expect(pool.stats().queries).toMatchObject({ executed: 3, errors: 1 })
  })
})
