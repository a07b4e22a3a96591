import { afterEach, describe, expect, it } from 'vitest'
import type { QueryResult, RunOptions, StatementKind } from '../../src/dialect.js'
import { createPool, type Pool } from '../../src/pool.js'
import { RoutedConnection } from '../../src/routing/routed-connection.js'
import { ManualClock } from '../support/manual-clock.js'
import { StubDialect, type StubConnection } from '../support/stub-dialect.js'

/** A stub that pipelines and classifies: SELECT is a read, anything else is not. */
class PipelinedStub extends StubDialect {
  readonly classified: string[] = []

  classify(sql: string): StatementKind {
    this.classified.push(sql)
    return /^select\b/i.test(sql) ? 'read' : 'unknown'
  }

  async runPipelined(raw: StubConnection, sql: string, params: readonly unknown[] | undefined, _options: RunOptions): Promise<QueryResult> {
    raw.statements.push(sql)
    return { rows: [{ n: params?.[0], connection: raw.id }] }
  }

  // the pipeliner sends a statement alone on its connection with run(): the same answer as runPipelined()
  override run(raw: StubConnection, sql: string, params?: readonly unknown[], options: RunOptions = {}): Promise<QueryResult> {
    return /^select\b/i.test(sql) ? this.runPipelined(raw, sql, params, options) : super.run(raw, sql)
  }
}

let pool: Pool | undefined

function open(implicitPipelining: boolean): { pool: Pool; dialect: PipelinedStub } {
  const dialect = new PipelinedStub()
  pool = createPool({ dialect, clock: new ManualClock(), min: 0, max: 2, implicitPipelining, log: () => {} })
  return { pool, dialect }
}

afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe("acquire({ target: 'statement' }) without replicas", () => {
  it('lends a connection, as the primary target does, when the pool does not pipeline', async () => {
    const { pool } = open(false)
    const connection = await pool.acquire({ target: 'statement' })
    expect(connection).not.toBeInstanceOf(RoutedConnection)
    expect(pool.stats().currentState.activeConnections).toBe(1)
    connection.release()
  })

  it('holds no connection while it only reads: each read borrows for itself', async () => {
    const { pool } = open(true)
    const connection = await pool.acquire({ target: 'statement' })
    expect(connection).toBeInstanceOf(RoutedConnection)
    expect(pool.stats().currentState.activeConnections).toBe(0)
    expect(await connection.query('SELECT $1', [7])).toEqual([{ n: 7, connection: 1 }])
    expect(pool.stats().currentState.activeConnections).toBe(0)
    connection.release()
    expect(pool.stats().queries.executed).toBe(1)
  })

  it('pins one connection at the first statement that is not a read, and runs everything after it there', async () => {
    const { pool, dialect } = open(true)
    const connection = await pool.acquire({ target: 'statement' })
    await connection.query('SELECT $1', [1])
    await connection.query("SET application_name = 'pinned'")
    expect(pool.stats().currentState.activeConnections).toBe(1)
    await connection.query('SELECT $1', [2])
    await connection.query('SELECT $1', [3])
    const session = dialect.connections.find((c) => c.statements.includes("SET application_name = 'pinned'"))!
    expect(session.statements.slice(-3)).toEqual(["SET application_name = 'pinned'", 'SELECT $1', 'SELECT $1'])
    connection.release()
    expect(pool.stats().currentState.activeConnections).toBe(0)
  })

  it('runs statements issued without waiting, around the pin, on the session in the order they were issued', async () => {
    const { pool, dialect } = open(true)
    const connection = await pool.acquire({ target: 'statement' })
    // the SET pins; the SELECTs after it (reads, but on a pinning handle) and the second SET must follow it in order
    const issued = ["SET application_name = 'a'", 'SELECT $1', "SET application_name = 'b'", 'SELECT $1']
    await Promise.all(issued.map((sql, i) => connection.execute(sql, sql.startsWith('SELECT') ? [i] : undefined)))
    // once pinned, a statement issued after one already queued still waits its turn
    const late = connection.execute('SELECT $1', [9])
    const later = connection.execute("SET application_name = 'c'")
    await Promise.all([late, later])
    const session = dialect.connections.find((c) => c.statements.includes("SET application_name = 'a'"))!
    expect(session.statements).toEqual([...issued, 'SELECT $1', "SET application_name = 'c'"])
    connection.release()
  })

  it('rejects, never throws, when used after release', async () => {
    const { pool } = open(true)
    const connection = await pool.acquire({ target: 'statement' })
    connection.release()
    let running: Promise<unknown> | undefined
    expect(() => {
      running = connection.execute('SELECT 1')
    }).not.toThrow()
    await expect(running).rejects.toThrow(/released/)
  })

  it('asks the classifier once per statement text', async () => {
    const { pool, dialect } = open(true)
    for (let i = 0; i < 3; i++) {
      const connection = await pool.acquire({ target: 'statement' })
      await connection.query('SELECT $1', [i])
      connection.release()
    }
    expect(dialect.classified).toEqual(['SELECT $1'])
  })
})
