import { afterEach, describe, expect, it } from 'vitest'
import type { QueryResult, RunOptions } from '../../src/dialect.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { createPool, type Pool } from '../../src/pool.js'
import { flush, ManualClock } from '../support/manual-clock.js'
import { StubDialect, StubFatalError, type StubConnection } from '../support/stub-dialect.js'

/**
 * A stub that can pipeline: its statements (but transaction control and
 * multi-statement text) wait at a gate, so tests see them in flight
 * together; `modes` records whether each was sent with `run` (alone on its
 * connection) or `runPipelined` (behind others).
 */
class PipeStub extends StubDialect {
  readonly inFlight = new Map<number, number>()
  readonly modes: Array<'run' | 'pipelined'> = []
  deepest = 0
  readonly #gates: Array<() => void> = []

  override run(raw: StubConnection, sql: string, params?: readonly unknown[], options: RunOptions = {}): Promise<QueryResult> {
    if (/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql) || sql.includes(';')) return super.run(raw, sql)
    this.modes.push('run')
    return this.#gated(raw, sql, params, options)
  }

  runPipelined(raw: StubConnection, sql: string, params: readonly unknown[] | undefined, options: RunOptions): Promise<QueryResult> {
    this.modes.push('pipelined')
    return this.#gated(raw, sql, params, options)
  }

  async #gated(raw: StubConnection, sql: string, params: readonly unknown[] | undefined, _options: RunOptions): Promise<QueryResult> {
    this.inFlight.set(raw.id, (this.inFlight.get(raw.id) ?? 0) + 1)
    this.deepest = Math.max(this.deepest, this.inFlight.get(raw.id)!)
    try {
      await new Promise<void>((resolve) => this.#gates.push(resolve))
      raw.statements.push(sql)
      if (sql === 'FAIL') throw new Error('syntax error at or near "FAIL"')
      if (sql === 'FATAL') throw new StubFatalError('terminating connection due to administrator command')
      return { rows: [{ n: params?.[0], connection: raw.id }] }
    } finally {
      this.inFlight.set(raw.id, this.inFlight.get(raw.id)! - 1)
    }
  }

  get held(): number {
    return this.#gates.length
  }

  release(): void {
    for (const open of this.#gates.splice(0)) open()
  }
}

let pool: Pool | undefined

/** A pool on `dialect`; `'unset'` leaves the option out. */
function setup(implicitPipelining: unknown = true, dialect: StubDialect = new PipeStub()): { pool: Pool; dialect: PipeStub; logs: string[] } {
  const logs: string[] = []
  const option = implicitPipelining === 'unset' ? {} : { implicitPipelining: implicitPipelining as boolean }
  pool = createPool({ dialect, clock: new ManualClock(), min: 0, max: 2, ...option, log: (_level, message) => logs.push(message) })
  return { pool, dialect: dialect as PipeStub, logs }
}

afterEach(async () => {
  await pool?.close()
  pool = undefined
})

/** Lets everything held go until the statements settle. */
async function drain(dialect: PipeStub, settled: Promise<unknown>): Promise<void> {
  let done = false
  void settled.finally(() => (done = true))
  while (!done) {
    dialect.release()
    await flush()
  }
}

describe('implicit pipelining', () => {
  it('sends statements to busy connections once callers outnumber them, each caller getting its own result', async () => {
    const { pool, dialect } = setup()
    const first = [pool.query('SELECT $1', [0]), pool.query('SELECT $1', [1])]
    await flush()
    const rest = Array.from({ length: 10 }, (_, i) => pool.query('SELECT $1', [i + 2]))
    await flush()
    expect(dialect.connections).toHaveLength(2)
    expect(dialect.held).toBe(12)
    expect(dialect.deepest).toBe(6)
    // the first statement on each connection took the ordinary path; those that joined it were pipelined
    expect(dialect.modes.filter((m) => m === 'run')).toHaveLength(2)
    expect(dialect.modes.filter((m) => m === 'pipelined')).toHaveLength(10)
    const all = Promise.all([...first, ...rest])
    await drain(dialect, all)
    const rows = (await all).map((r) => r[0] as { n: number })
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    // every connection went back to the pool
    await flush()
    expect(pool.stats().currentState).toMatchObject({ activeConnections: 0, availableConnections: 2 })
    expect(pool.stats().queries.executed).toBe(12)
  })

  it('waits for a connection as before while the pool is not saturated', async () => {
    const { pool, dialect } = setup()
    const one = pool.query('SELECT $1', [1])
    await flush()
    expect(dialect.connections).toHaveLength(1)
    await drain(dialect, one)
    expect(await one).toEqual([{ n: 1, connection: 1 }])
  })

  it('keeps transaction control and multi-statement text on the ordinary path', async () => {
    const { pool, dialect } = setup()
    await pool.query('BEGIN')
    await pool.query('SELECT 1; SELECT 2')
    expect(dialect.held).toBe(0)
    expect(dialect.connections.flatMap((c) => c.statements)).toEqual(['BEGIN', 'SELECT 1; SELECT 2'])
  })

  it('a failing statement fails only its caller', async () => {
    const { pool, dialect } = setup()
    const calls = ['SELECT $1', 'SELECT $1', 'FAIL', 'SELECT $1', 'SELECT $1'].map((sql, i) => pool.query(sql, [i]))
    const all = Promise.allSettled(calls)
    await drain(dialect, all)
    expect((await all).map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect(pool.stats().queries.errors).toBe(1)
  })

  it('a fatal error stops the connection taking statements, and the pool closes it once drained', async () => {
    const { pool, dialect } = setup()
    const calls = ['FATAL', 'SELECT $1', 'SELECT $1', 'SELECT $1'].map((sql, i) => pool.query(sql, [i]))
    await flush()
    const all = Promise.allSettled(calls)
    await drain(dialect, all)
    expect((await all)[0]).toMatchObject({ status: 'rejected', reason: { message: 'terminating connection due to administrator command' } })
    await flush()
    expect(dialect.connections[0]!.open).toBe(false)
    const after = pool.query('SELECT $1', [9])
    await drain(dialect, after)
    const [row] = (await after) as Array<{ n: number; connection: number }>
    expect(row?.n).toBe(9)
    expect(row?.connection).not.toBe(1)
  })

  it('stops joining pipes while another caller waits for a connection, so it gets one in turn', async () => {
    const { pool, dialect } = setup()
    const busy = [pool.query('SELECT $1', [0]), pool.query('SELECT $1', [1])]
    await flush()
    let acquired = false
    const borrower = pool.acquire().then((connection) => {
      acquired = true
      connection.release()
    })
    await flush()
    const later = pool.query('SELECT $1', [2])
    await flush()
    // not joined: it queues behind the borrower
    expect(dialect.held).toBe(2)
    dialect.release()
    await flush()
    expect(acquired).toBe(true)
    await drain(dialect, Promise.all([...busy, later, borrower]))
  })

  it('pipelines on the primary when replicas exist too', async () => {
    const dialect = new PipeStub()
    pool = createPool({ dialect, replicas: [new StubDialect()], clock: new ManualClock(), min: 0, max: 2, implicitPipelining: true, log: false })
    // the stub has no classifier: every statement counts as a write and goes to the primary
    const calls = Array.from({ length: 12 }, (_, i) => pool!.query('SELECT $1', [i]))
    await flush()
    expect(dialect.connections).toHaveLength(2)
    expect(dialect.held).toBe(12)
    const all = Promise.all(calls)
    await drain(dialect, all)
    expect((await all).map((rows) => (rows[0] as { n: number }).n)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    expect(pool.routingStats()).toMatchObject({ writes: 12, readsToReplicas: 0 })
  })

  it('never pipelines a write in a consistency scope: it runs on a lease of its own, where read-your-writes sees it', async () => {
    const dialect = new PipeStub()
    pool = createPool({ dialect, replicas: [new StubDialect()], clock: new ManualClock(), min: 0, max: 2, log: false })
    const writes = pool.scope(() => Promise.all(Array.from({ length: 6 }, (_, i) => pool!.query('SELECT $1', [i]))))
    await drain(dialect, writes)
    expect((await writes).map((rows) => (rows[0] as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5])
    // the stub has no classifier: each statement counts as a write, and in a scope each borrowed a connection
    expect(dialect.modes).toEqual(['run', 'run', 'run', 'run', 'run', 'run'])
    expect(dialect.deepest).toBe(1)
    // outside any scope the same statements pipeline
    const free = Promise.all(Array.from({ length: 6 }, (_, i) => pool!.query('SELECT $1', [i])))
    await drain(dialect, free)
    expect(dialect.modes.filter((m) => m === 'pipelined').length).toBeGreaterThan(0)
  })

  it('is on when the option is unset, off with false, and silent when unset for a dialect that cannot pipeline', async () => {
    const unset = setup('unset')
    const calls = Array.from({ length: 6 }, (_, i) => unset.pool.query('SELECT $1', [i]))
    await flush()
    expect(unset.dialect.held).toBe(6)
    expect(unset.dialect.modes.filter((m) => m === 'run')).toHaveLength(2)
    expect(unset.dialect.modes.filter((m) => m === 'pipelined')).toHaveLength(4)
    await drain(unset.dialect, Promise.all(calls))
    await pool?.close()

    const off = setup(false)
    const queued = Array.from({ length: 6 }, (_, i) => off.pool.query('SELECT $1', [i]))
    await flush()
    // two connections, the other four wait in the pool's queue
    expect(off.dialect.held).toBe(2)
    await drain(off.dialect, Promise.all(queued))
    expect(off.dialect.modes.every((m) => m === 'run')).toBe(true)
    await pool?.close()

    const { logs } = setup('unset', new StubDialect())
    expect(logs.filter((m) => m.includes('implicitPipelining'))).toEqual([])
  })

  it('validates the option, and warns when the dialect cannot pipeline', () => {
    expect(() => setup({ maxDepth: 0 })).toThrow(ConfigError)
    expect(() => setup({ maxDepth: 0 })).toThrow('Sluice: invalid option implicitPipelining.maxDepth = 0: must be an integer >= 1')
    expect(() => setup({ depth: 3 })).toThrow('Sluice: invalid option implicitPipelining.depth = 3: unknown option')
    const { logs } = setup(true, new StubDialect())
    expect(logs.some((m) => m.includes('implicitPipelining has no effect: the postgres dialect cannot pipeline statements'))).toBe(true)
  })
})
