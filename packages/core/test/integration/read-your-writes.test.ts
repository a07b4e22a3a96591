import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../src/pool.js'
import { lockReplicaForSuite, PAUSED_REPLICA_ROUTING, REPLICA_CLUSTERS, type ReplicaCluster, withReplayPaused } from '../support/replica-clusters.js'
import { until } from '../support/targets.js'

/** One way an application writes: `sql` and `params` set the row's value. */
type WritePath = (pool: Pool, sql: string, params: unknown[]) => Promise<unknown>

/** Every way of borrowing the primary that a write can take. */
const WRITE_PATHS: Record<string, WritePath> = {
  'pool.query': (pool, sql, params) => pool.query(sql, params),
  'pool.transaction': (pool, sql, params) => pool.transaction((tx) => tx.query(sql, params)),
  "pool.transaction({ target: 'auto' })": (pool, sql, params) => pool.transaction((tx) => tx.query(sql, params), { target: 'auto' }),
  'acquire()': async (pool, sql, params) => {
    const conn = await pool.acquire()
    try {
      await conn.query(sql, params)
    } finally {
      conn.release()
    }
  },
  'acquire() with BEGIN ... COMMIT as SQL': (pool, sql, params) =>
    pool.withConnection(async (conn) => {
      await conn.query('BEGIN')
      await conn.query(sql, params)
      await conn.query('COMMIT')
    }),
  "acquire({ target: 'auto' })": (pool, sql, params) => pool.withConnection((conn) => conn.query(sql, params), { target: 'auto' }),
  "acquire({ target: 'auto' }) with BEGIN ... COMMIT as SQL": (pool, sql, params) =>
    pool.withConnection(async (conn) => {
      await conn.query('BEGIN')
      await conn.query(sql, params)
      await conn.query('COMMIT')
    }, { target: 'auto' }),
  'pool.pipeline()': async (pool, sql, params) => {
    const pipe = pool.pipeline()
    const added = pipe.add(sql, params)
    await pipe.close()
    await added
  },
  "pool.pipeline({ strategy: 'transactional' })": async (pool, sql, params) => {
    const pipe = pool.pipeline({ strategy: 'transactional' })
    const added = pipe.add(sql, params)
    await pipe.close()
    await added
  },
}

/** A primary and its real replica, routed for a paused replica. On PostgreSQL every session commits with `synchronous_commit = off`. */
function clusterPool(cluster: ReplicaCluster): Pool {
  return createPool({
    dialect: cluster.primary(),
    replicas: [cluster.replica()],
    min: 1,
    max: 4,
    acquireTimeoutMillis: 5_000,
    routing: PAUSED_REPLICA_ROUTING,
    onConnect: cluster.name === 'postgres' ? (connection) => connection.execute('SET synchronous_commit = off').then(() => undefined) : undefined,
    log: false,
  })
}

for (const cluster of REPLICA_CLUSTERS) {
  describe(`read-your-writes on every path, on a real ${cluster.name} replica`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let pool: Pool
    const table = `ryw_${cluster.name}`
    const p = cluster.p
    const paths = Object.keys(WRITE_PATHS)
    const idOf = (path: string): number => paths.indexOf(path) + 1
    const select = `SELECT v FROM ${table} WHERE id = ${p(1)}`
    const valueOf = async (read: () => Promise<unknown>): Promise<number> => Number(((await read()) as { v: unknown } | undefined)?.v)

    beforeAll(async () => {
      pool = clusterPool(cluster)
      await pool.ready()
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`)
      for (const path of paths) await pool.query(`INSERT INTO ${table} (id, v) VALUES (${p(1)}, 0)`, [idOf(path)])
      await pool.query(`INSERT INTO ${table} (id, v) VALUES (0, 0)`)
      expect(pool.routingStats()!.replicas[0]!.healthy).toBe(true)
      // the replica has every row before the tests start
      await until(async () => (await pool.query(`SELECT id FROM ${table}`).catch(() => [])).length === paths.length + 1, 'the rows on the replica')
    })
    afterAll(async () => {
      await pool?.query(`DROP TABLE IF EXISTS ${table}`)
      await pool?.close()
    })

    it('with replay paused, each path\'s write is read back in its scope, while reads outside any scope stay on the (stale) replica', async () => {
      const seen: Record<string, unknown> = {}
      await withReplayPaused(cluster, async () => {
        for (const [path, write] of Object.entries(WRITE_PATHS)) {
          const id = idOf(path)
          seen[path] = await pool.scope(async () => {
            await write(pool, `UPDATE ${table} SET v = ${p(1)} WHERE id = ${p(2)}`, [100 + id, id])
            const routed = await valueOf(() => pool.query(select, [id], { fetch: 'one' }))
            // the way the ORM adapters read: an auto handle
            const auto = await valueOf(() => pool.withConnection((conn) => conn.query(select, [id], { fetch: 'one' }), { target: 'auto' }))
            return { routed, auto }
          })
          seen[`${path} (outside any scope)`] = await valueOf(() => pool.query(select, [id], { fetch: 'one' }))
        }
        // a workflow is a scope of its own
        seen.runWorkflow = await pool.runWorkflow('ryw', async () => {
          await WRITE_PATHS['acquire()']!(pool, `UPDATE ${table} SET v = 100 WHERE id = 0`, [])
          return { routed: await valueOf(() => pool.query(select, [0], { fetch: 'one' })) }
        })
        seen['runWorkflow (outside any scope)'] = await valueOf(() => pool.query(select, [0], { fetch: 'one' }))
      })
      const expected: Record<string, unknown> = {}
      for (const path of paths) {
        expected[path] = { routed: 100 + idOf(path), auto: 100 + idOf(path) }
        expected[`${path} (outside any scope)`] = 0
      }
      expected.runWorkflow = { routed: 100 }
      expected['runWorkflow (outside any scope)'] = 0
      expect(seen).toEqual(expected)
      // once replay resumes and the replica has the writes, reads outside any scope see them there
      await until(async () => (await valueOf(() => pool.query(select, [1], { fetch: 'one' }))) === 101, 'the replica caught up')
      expect(await pool.query(cluster.whoAmISql, [], { fetch: 'one' })).toEqual({ who: 'replica' })
    })

    it('a scope\'s reads go back to the replica as soon as it has replayed the write', async () => {
      await pool.scope(async () => {
        await pool.withConnection((conn) => conn.query(`UPDATE ${table} SET v = v + 1 WHERE id = 0`))
        await until(async () => ((await pool.query(cluster.whoAmISql, [], { fetch: 'one' })) as { who: string }).who === 'replica', 'a scoped read on the replica')
      })
    })

    it("pool.transaction(fn, { target: 'auto' }) in a scope commits once and resolves with fn's value", async () => {
      const outcome = await pool.scope(async () => {
        const result = await pool.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} (id, v) VALUES (${p(1)}, 1)`, [1_000])
          return 'committed'
        }, { target: 'auto' })
        return { result, v: await valueOf(() => pool.query(select, [1_000], { fetch: 'one' })) }
      })
      expect(outcome).toEqual({ result: 'committed', v: 1 })
      // exactly one row: a caller that retried a falsely failed transaction would have written twice
      expect(await pool.query(`SELECT id FROM ${table} WHERE id = 1000`, [], { hint: 'write' })).toHaveLength(1)
      await pool.query(`DELETE FROM ${table} WHERE id = 1000`)
    })

    it(`reads every write back at once while replay runs${cluster.name === 'postgres' ? ' (synchronous_commit = off)' : ''}`, async () => {
      if (cluster.name === 'postgres') {
        expect(await pool.withConnection((conn) => conn.query('SHOW synchronous_commit', [], { fetch: 'one' }))).toEqual({ synchronous_commit: 'off' })
      }
      const stale: number[] = []
      const before = pool.routingStats()!.readsToReplicas
      for (let i = 1; i <= 200; i++) {
        const read = await pool.scope(async () => {
          const write = Object.values(WRITE_PATHS)[i % paths.length]!
          await write(pool, `UPDATE ${table} SET v = ${p(1)} WHERE id = 0`, [1000 + i])
          return valueOf(() => pool.query(select, [0], { fetch: 'one' }))
        })
        if (read !== 1000 + i) stale.push(i)
      }
      expect(stale).toEqual([])
      if (process.env.SLUICE_RYW_REPORT) console.log(`${cluster.name}: ${pool.routingStats()!.readsToReplicas - before} of 200 scoped reads right after a write found the replica caught up`)
    })
  })
}
