import { describe, expect, it } from 'vitest'
import { createPool } from '../../src/pool.js'
import type { PoolOptions } from '../../src/config/pool-config.js'
import { ManualClock } from '../support/manual-clock.js'
import { StubCluster } from '../support/stub-replication.js'
import { StubFatalError } from '../support/stub-dialect.js'

function cluster(replicas: number, options: Partial<PoolOptions> = {}) {
  const stubs = new StubCluster(replicas)
  const clock = new ManualClock()
  const pool = createPool({
    dialect: stubs.primary,
    replicas: stubs.replicas,
    clock,
    min: 0,
    max: 2,
    log: false,
    routing: { replicaCheckIntervalMillis: 100, maxReplicaLagMillis: 1_000 },
    ...options,
  })
  return { stubs, clock, pool }
}

describe('read/write routing', () => {
  it('sends reads to replicas round-robin and writes to the primary', async () => {
    const { stubs, pool } = cluster(2)
    await pool.ready()
    await pool.query('SELECT a FROM t')
    await pool.query('SELECT b FROM t')
    await pool.query('SELECT c FROM t')
    await pool.query('INSERT INTO t VALUES (1)')
    await pool.query('SELECT * FROM t FOR UPDATE')
    await pool.query('SELECT nextval(\'s\')')
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT a FROM t', 'SELECT c FROM t'])
    expect(stubs.replicas[1]!.ran).toEqual(['SELECT b FROM t'])
    expect(stubs.primary.ran).toEqual(['INSERT INTO t VALUES (1)', 'SELECT * FROM t FOR UPDATE', "SELECT nextval('s')"])
    expect(pool.routingStats()).toMatchObject({ readsToReplicas: 3, readsToPrimary: 0, writes: 3 })
    await pool.close()
  })

  it('keeps statements on a borrowed connection and in transactions on the primary', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    await pool.transaction(async (tx) => {
      await tx.query('SELECT in_tx FROM t')
    })
    await pool.withConnection((conn) => conn.query('SELECT borrowed FROM t'))
    expect(stubs.replicas[0]!.ran).toEqual([])
    expect(stubs.primary.ran).toEqual(['SELECT in_tx FROM t', 'SELECT borrowed FROM t'])
    await pool.close()
  })

  it('honours a caller\'s hint over the classifier', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    await pool.query('SELECT my_pure_function()', [], { hint: 'read' })
    await pool.query('SELECT a FROM t', [], { hint: 'write' })
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT my_pure_function()'])
    expect(stubs.primary.ran).toEqual(['SELECT a FROM t'])
    await pool.close()
  })

  it('reads your writes: a scope reads from the primary until a replica has replayed its write', async () => {
    const { stubs, pool, clock } = cluster(1)
    await pool.ready()
    await pool.scope(async () => {
      await pool.query('INSERT INTO t VALUES (1)')
      await pool.query('SELECT after_write FROM t')
      stubs.catchUp()
      await pool.query('SELECT caught_up FROM t')
    })
    // outside the scope nothing holds reads back
    await pool.query('SELECT unscoped FROM t')
    expect(stubs.primary.ran).toEqual(['INSERT INTO t VALUES (1)', 'SELECT after_write FROM t'])
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT caught_up FROM t', 'SELECT unscoped FROM t'])
    void clock
    await pool.close()
  })

  it('falls back to a time window where positions are unknown', async () => {
    const { stubs, pool, clock } = cluster(1, { routing: { readYourWrites: 'window', readYourWritesWindowMillis: 1_000, replicaCheckIntervalMillis: 100 } })
    await pool.ready()
    await pool.scope(async () => {
      await pool.query('UPDATE t SET a = 1')
      await pool.query('SELECT soon FROM t')
      await clock.advance(1_000)
      await pool.query('SELECT later FROM t')
    })
    expect(stubs.primary.ran).toEqual(['UPDATE t SET a = 1', 'SELECT soon FROM t'])
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT later FROM t'])
    await pool.close()
  })

  it('takes a lagging replica out of rotation and brings it back when it catches up', async () => {
    const { stubs, pool, clock } = cluster(2)
    await pool.ready()
    stubs.replicas[0]!.lagMillis = 5_000
    await clock.advance(100)
    expect(pool.routingStats()!.replicas.map((r) => [r.healthy, r.reason])).toEqual([[false, 'lagging 5000ms'], [true, undefined]])
    await pool.query('SELECT a FROM t')
    await pool.query('SELECT b FROM t')
    expect(stubs.replicas[0]!.ran).toEqual([])
    stubs.replicas[0]!.lagMillis = 10
    await clock.advance(100)
    await pool.query('SELECT c FROM t')
    await pool.query('SELECT d FROM t')
    expect(stubs.replicas[0]!.ran.length).toBe(1)
    await pool.close()
  })

  it('reads from the primary when no replica is healthy, and after a replica fails a read', async () => {
    const { stubs, pool, clock } = cluster(1)
    await pool.ready()
    const run = stubs.replicas[0]!.run.bind(stubs.replicas[0]!)
    stubs.replicas[0]!.run = async (raw, sql) => {
      if (sql === 'SELECT boom FROM t') throw new StubFatalError('server closed the connection')
      if (sql === 'SELECT missing_column FROM t') throw new Error('column "missing_column" does not exist')
      return run(raw, sql)
    }
    expect(await pool.query('SELECT boom FROM t')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect(stubs.primary.ran).toEqual(['SELECT boom FROM t'])
    expect(pool.routingStats()).toMatchObject({ fallbacks: 1, readsToPrimary: 1 })
    expect(pool.routingStats()!.replicas[0]!.healthy).toBe(false)
    // back in rotation at the next check; then a user's SQL error on a replica is the user's, not a reason to fail over
    await clock.advance(100)
    expect(pool.routingStats()!.replicas[0]!.healthy).toBe(true)
    await expect(pool.query('SELECT missing_column FROM t')).rejects.toThrow('column "missing_column" does not exist')
    expect(pool.routingStats()).toMatchObject({ fallbacks: 1 })
    expect(pool.routingStats()!.replicas[0]!.healthy).toBe(true)
    stubs.replicas[0]!.failPing = new Error('down')
    await clock.advance(100)
    await pool.query('SELECT while_down FROM t')
    expect(stubs.primary.ran).toContain('SELECT while_down FROM t')
    await pool.close()
  })

  it('rejects replicas of another database kind', () => {
    const stubs = new StubCluster(1)
    const other = Object.assign(stubs.replicas[0]!, { kind: 'mysql' })
    expect(() => createPool({ dialect: stubs.primary, replicas: [other] })).toThrow('Sluice: invalid option replicas[0] = "mysql": must be a postgres dialect like the primary')
  })
})

describe('acquire({ target: "auto" })', () => {
  it('routes reads statement by statement until one may leave session state, then pins one primary connection', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    const conn = await pool.acquire({ target: 'auto' })
    await conn.query('SELECT a FROM t')
    await conn.query('SELECT b FROM t')
    expect(conn.id).toBe('routed')
    expect(pool.stats().currentState.activeConnections).toBe(0)
    // a write leaves session state (the id LAST_INSERT_ID() / lastval() reads next): it pins the connection it ran on
    await conn.query('INSERT INTO t VALUES (1)')
    const pinned = conn.id
    expect(pinned).toMatch(/^conn-/)
    await conn.query('BEGIN')
    await conn.query('SELECT c FROM t')
    await conn.query('COMMIT')
    await conn.query('SELECT d FROM t')
    expect(conn.id).toBe(pinned)
    expect(pool.stats().currentState.activeConnections).toBe(1)
    conn.release()
    expect(pool.stats().currentState.activeConnections).toBe(0)
    expect(() => conn.release()).toThrow('already been released')
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT a FROM t', 'SELECT b FROM t'])
    expect(stubs.primary.ran).toEqual(['INSERT INTO t VALUES (1)', 'SELECT c FROM t', 'SELECT d FROM t'])
    await pool.close()
  })

  it('pins at BEGIN: a transaction runs on one primary connection', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    const conn = await pool.acquire({ target: 'auto' })
    await conn.query('BEGIN')
    const pinned = conn.id
    expect(pinned).toMatch(/^conn-/)
    await conn.query('SELECT a FROM t')
    await conn.query('COMMIT')
    expect(conn.id).toBe(pinned)
    conn.release()
    expect(stubs.replicas[0]!.ran).toEqual([])
    expect(stubs.primary.ran).toEqual(['SELECT a FROM t'])
    await pool.close()
  })

  it('classifies each statement once on its way to a replica', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    const classified: string[] = []
    const classify = stubs.primary.classify.bind(stubs.primary)
    stubs.primary.classify = (sql) => {
      classified.push(sql)
      return classify(sql)
    }
    const conn = await pool.acquire({ target: 'auto' })
    await conn.query('SELECT a FROM t')
    await pool.query('SELECT b FROM t')
    conn.release()
    expect(classified).toEqual(['SELECT a FROM t', 'SELECT b FROM t'])
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT a FROM t', 'SELECT b FROM t'])
    await pool.close()
  })

  it('pins for session state: writes, SET, temporary tables, named prepared statements, sequences, locks, unknown functions', async () => {
    const { pool } = cluster(1)
    await pool.ready()
    const statements = [
      'INSERT INTO t VALUES (1)',
      'UPDATE t SET a = 1',
      'DELETE FROM t',
      "SET search_path = 'x'",
      'CREATE TEMPORARY TABLE tmp (a int)',
      'PREPARE q AS SELECT 1',
      "SELECT nextval('s')",
      "SELECT setval('s', 1)",
      'SELECT pg_advisory_lock(1)',
      'SELECT my_function()',
    ]
    for (const sql of statements) {
      const conn = await pool.acquire({ target: 'auto' })
      await conn.query(sql)
      expect(conn.id).toMatch(/^conn-/)
      conn.release()
    }
    await pool.close()
  })

  it('is a plain primary connection without replicas', async () => {
    const { pool } = cluster(0)
    const conn = await pool.acquire({ target: 'auto' })
    expect(conn.id).toMatch(/^conn-/)
    conn.release()
    await pool.close()
  })
})

describe('read-your-writes on every borrowing path', () => {
  type Path = (pool: ReturnType<typeof cluster>['pool'], sql: string) => Promise<unknown>
  const paths: Record<string, Path> = {
    'pool.query': (pool, sql) => pool.query(sql),
    'pool.transaction': (pool, sql) => pool.transaction((tx) => tx.query(sql)),
    "pool.transaction({ target: 'auto' })": (pool, sql) => pool.transaction((tx) => tx.query(sql), { target: 'auto' }),
    'acquire()': async (pool, sql) => {
      const conn = await pool.acquire()
      await conn.query(sql)
      conn.release()
    },
    'acquire() with BEGIN ... COMMIT as SQL': (pool, sql) =>
      pool.withConnection(async (conn) => {
        await conn.query('BEGIN')
        await conn.query(sql)
        await conn.query('COMMIT')
      }),
    "acquire({ target: 'auto' })": (pool, sql) => pool.withConnection((conn) => conn.query(sql), { target: 'auto' }),
    "acquire({ target: 'auto' }) with BEGIN ... COMMIT as SQL": (pool, sql) =>
      pool.withConnection(async (conn) => {
        await conn.query('BEGIN')
        await conn.query(sql)
        await conn.query('COMMIT')
      }, { target: 'auto' }),
    'pool.pipeline()': async (pool, sql) => {
      const pipe = pool.pipeline()
      const added = pipe.add(sql)
      await pipe.close()
      await added
    },
  }

  for (const [name, write] of Object.entries(paths)) {
    it(`${name}: the scope reads from the primary until a replica has replayed the write, whose position is read after its commit`, async () => {
      const { stubs, pool } = cluster(1)
      await pool.ready()
      const takenInTransaction: boolean[] = []
      const writePosition = stubs.primary.writePosition.bind(stubs.primary)
      stubs.primary.writePosition = async (raw?: unknown) => {
        takenInTransaction.push((raw as { inTransaction: boolean }).inTransaction)
        return writePosition()
      }
      await pool.scope(async () => {
        await write(pool, 'UPDATE t SET a = 1')
        await pool.query('SELECT after_write FROM t')
        stubs.catchUp()
        await pool.query('SELECT caught_up FROM t')
      })
      await write(pool, 'UPDATE t SET a = 2')
      await pool.query('SELECT unscoped FROM t')
      expect(takenInTransaction).toEqual([false])
      expect(stubs.primary.ran).toEqual(['UPDATE t SET a = 1', 'SELECT after_write FROM t', 'UPDATE t SET a = 2'])
      // outside any scope reads go to the replica even though it has not replayed the last write
      expect(stubs.replicas[0]!.ran).toEqual(['SELECT caught_up FROM t', 'SELECT unscoped FROM t'])
      await pool.close()
    })
  }

  it('a workflow is a scope: its reads follow its writes on a borrowed connection', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    await pool.runWorkflow('checkout', async () => {
      await pool.withConnection((conn) => conn.query('INSERT INTO t VALUES (1)'))
      await pool.query('SELECT after_write FROM t')
    })
    expect(stubs.primary.ran).toEqual(['INSERT INTO t VALUES (1)', 'SELECT after_write FROM t'])
    await pool.close()
  })

  it('a transaction that only read leaves the scope reading from replicas', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    await pool.scope(async () => {
      await pool.transaction((tx) => tx.query('SELECT in_tx FROM t'))
      await pool.withConnection((conn) => conn.query('SELECT borrowed FROM t'))
      await pool.query('SELECT after FROM t')
    })
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT after FROM t'])
    await pool.close()
  })

  it('a write inside a transaction marks the scope at its commit, with the position after the commit', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    await pool.scope(async () => {
      const conn = await pool.acquire()
      await conn.query('BEGIN')
      await conn.query('UPDATE t SET a = 1')
      // nobody sees the uncommitted row: the scope reads as before
      await pool.query('SELECT mid_transaction FROM t')
      await conn.query('COMMIT')
      conn.release()
      await pool.query('SELECT after_commit FROM t')
      stubs.catchUp()
      await pool.query('SELECT caught_up FROM t')
    })
    expect(stubs.primary.ran).toEqual(['UPDATE t SET a = 1', 'SELECT after_commit FROM t'])
    expect(stubs.replicas[0]!.ran).toEqual(['SELECT mid_transaction FROM t', 'SELECT caught_up FROM t'])
    await pool.close()
  })

  it('two scopes writing in one transaction are both marked at its commit', async () => {
    const { stubs, pool } = cluster(1)
    await pool.ready()
    const conn = await pool.acquire()
    await conn.query('BEGIN')
    let commit!: () => void
    const committed = new Promise<void>((resolve) => (commit = resolve))
    const updated: Array<Promise<void>> = []
    // each scope writes in the one transaction, then reads (in its own scope) once it committed
    const writeThenRead = (value: number, read: string) => {
      let done!: () => void
      updated.push(new Promise<void>((resolve) => (done = resolve)))
      return pool.scope(async () => {
        await conn.query(`UPDATE t SET a = ${value}`)
        done()
        await committed
        return pool.query(read)
      })
    }
    const reads = Promise.all([writeThenRead(1, 'SELECT first_scope FROM t'), writeThenRead(2, 'SELECT second_scope FROM t')])
    await Promise.all(updated)
    await conn.query('COMMIT')
    conn.release()
    commit()
    await reads
    expect(stubs.primary.ran).toEqual(['UPDATE t SET a = 1', 'UPDATE t SET a = 2', 'SELECT first_scope FROM t', 'SELECT second_scope FROM t'])
    await pool.close()
  })
})
