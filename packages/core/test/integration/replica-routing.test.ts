import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../src/pool.js'
import { adminRun, lockReplicaForSuite, REPLICA_CLUSTERS, withReplayPaused, withReplicaLock } from '../support/replica-clusters.js'
import { until } from '../support/targets.js'

const run = promisify(execFile)
const services = fileURLToPath(new URL('../../../../test/services/', import.meta.url))

for (const cluster of REPLICA_CLUSTERS) {
  describe(`read/write routing on a real ${cluster.name} replica`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let pool: Pool
    const table = `routing_${cluster.name}`
    const warnings: string[] = []

    beforeAll(async () => {
      pool = createPool({
        dialect: cluster.primary(),
        replicas: [cluster.replica()],
        min: 1,
        max: 4,
        acquireTimeoutMillis: 3_000,
        // a window so long that only replication positions can send a scope's reads back to the replica in time
        routing: { replicaCheckIntervalMillis: 100, maxReplicaLagMillis: 1_000, readYourWritesWindowMillis: 60_000 },
        // stopping the replica opens its breaker; probe again soon so that it is back well within the bounds below
        breaker: { recoveryTimeoutMillis: 500 },
        log: (level, message) => {
          if (level === 'warn') warnings.push(message)
        },
      })
      await pool.ready()
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, note VARCHAR(40))`)
      await until(() => pool.routingStats()!.replicas[0]!.healthy, 'the replica in rotation')
    })
    afterAll(async () => {
      // under the lock: never in the middle of another test's pause
      await withReplicaLock(cluster, () => adminRun(cluster.replicaAdmin(), cluster.resumeSql)).catch(() => undefined)
      await pool?.query(`DROP TABLE IF EXISTS ${table}`)
      await pool?.close()
    })

    it('sends reads to the replica and writes to the primary', async () => {
      const before = pool.routingStats()!
      expect(await pool.query(cluster.whoAmISql, [], { fetch: 'one' })).toEqual({ who: 'replica' })
      await pool.query(`INSERT INTO ${table} (id, note) VALUES (${cluster.p(1)}, ${cluster.p(2)})`, [1, 'first'])
      // a locking read is a write as far as routing goes
      await pool.transaction((tx) => tx.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`))
      const after = pool.routingStats()!
      expect(after.readsToReplicas - before.readsToReplicas).toBe(1)
      expect(after.writes - before.writes).toBe(1)
    })

    it('reads its own writes in a scope: the row is there on the very next read', async () => {
      for (let i = 0; i < 20; i++) {
        const id = 100 + i
        const row = await pool.scope(async () => {
          await pool.query(`INSERT INTO ${table} (id, note) VALUES (${cluster.p(1)}, ${cluster.p(2)})`, [id, `row ${id}`])
          return pool.query(`SELECT note FROM ${table} WHERE id = ${cluster.p(1)}`, [id], { fetch: 'one' })
        })
        expect(row).toEqual({ note: `row ${id}` })
      }
      // once the replica has replayed the write (its position, not the 60 s window, says so), scoped reads go there again
      await pool.scope(async () => {
        await pool.query(`UPDATE ${table} SET note = 'seen' WHERE id = 1`)
        await until(async () => ((await pool.query(cluster.whoAmISql, [], { fetch: 'one' })) as { who: string }).who === 'replica', 'a replica that caught up')
      })
    })

    it('runs a routed transaction in a scope once: it commits, resolves, and the scope reads the write', async () => {
      for (const target of ['auto', 'primary', undefined] as const) {
        const id = target === 'auto' ? 300 : target === 'primary' ? 301 : 302
        const outcome = await pool.scope(async () => {
          const result = await pool.transaction(async (tx) => {
            await tx.query(`INSERT INTO ${table} (id, note) VALUES (${cluster.p(1)}, ${cluster.p(2)})`, [id, `tx ${target}`])
            return 'committed'
          }, target === undefined ? undefined : { target })
          return { result, row: await pool.query(`SELECT note FROM ${table} WHERE id = ${cluster.p(1)}`, [id], { fetch: 'one' }) }
        })
        expect(outcome).toEqual({ result: 'committed', row: { note: `tx ${target}` } })
      }
      // exactly one row each: a caller that retried a falsely failed transaction would have written twice
      expect(await pool.query(`SELECT COUNT(*) AS n FROM ${table} WHERE id BETWEEN 300 AND 302`, [], { fetch: 'one' })).toEqual({ n: cluster.name === 'postgres' ? '3' : 3 })
    })

    it('takes a replica whose replay is paused out of rotation, and back when it resumes', async () => {
      await withReplayPaused(cluster, async () => {
        await pool.query(`INSERT INTO ${table} (id, note) VALUES (${cluster.p(1)}, ${cluster.p(2)})`, [500, 'while paused'])
        await until(() => !pool.routingStats()!.replicas[0]!.healthy, 'the lagging replica to leave the rotation')
        expect(pool.routingStats()!.replicas[0]!.reason).toMatch(/replay stopped|lagging/)
        // reads now come from the primary and see the row the replica has not applied
        expect(await pool.query(cluster.whoAmISql, [], { fetch: 'one' })).toEqual({ who: 'primary' })
        expect(await pool.query(`SELECT note FROM ${table} WHERE id = 500`, [], { fetch: 'one' })).toEqual({ note: 'while paused' })
      })
      await until(() => pool.routingStats()!.replicas[0]!.healthy, 'the replica back in rotation', 10_000)
      expect(await pool.query(cluster.whoAmISql, [], { fetch: 'one' })).toEqual({ who: 'replica' })
      expect(warnings.some((w) => w.includes('left the rotation'))).toBe(true)
    })

    it('keeps every read answered while the replica is stopped and started under load', async () => {
      let stop = false
      let reads = 0
      const failures: unknown[] = []
      const load = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!stop) {
            try {
              const row = await pool.query(`SELECT note FROM ${table} WHERE id = 1`, [], { fetch: 'one' })
              expect(row).toEqual({ note: 'seen' })
              reads++
            } catch (error) {
              failures.push(error)
            }
            await new Promise((resolve) => setTimeout(resolve, 5))
          }
        }),
      )
      await new Promise((resolve) => setTimeout(resolve, 200))
      // the replica is shared by every test run: whatever happens, start it again (and no other test pauses it meanwhile)
      await withReplicaLock(cluster, async () => {
        try {
          await run('bash', [`${services}${cluster.script}`, 'stop'], { timeout: 60_000 })
          await until(() => !pool.routingStats()!.replicas[0]!.healthy, 'the stopped replica to leave the rotation')
          const readsWhileDown = reads
          await until(() => reads > readsWhileDown, 'a read answered while the replica is down', 10_000)
        } finally {
          await run('bash', [`${services}${cluster.script}`, 'start'], { timeout: 120_000 })
        }
        await until(() => pool.routingStats()!.replicas[0]!.healthy, 'the restarted replica back in rotation', 20_000)
      })
      stop = true
      await load
      expect(failures).toEqual([])
      expect(pool.routingStats()!.readsToReplicas).toBeGreaterThan(0)
    }, 180_000)
  })
}
