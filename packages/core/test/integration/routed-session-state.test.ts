import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../src/pool.js'
import { lockReplicaForSuite, REPLICA_CLUSTERS } from '../support/replica-clusters.js'
import { until } from '../support/targets.js'

/** How each database reads back the id the session's last INSERT generated. */
const LAST_ID_SQL: Record<'postgres' | 'mysql', (table: string) => string[]> = {
  postgres: (table) => ['SELECT lastval() AS id', `SELECT currval(pg_get_serial_sequence('${table}', 'id')) AS id`],
  mysql: () => ['SELECT LAST_INSERT_ID() AS id', 'SELECT @@identity AS id'],
}

const HANDLES = 16

for (const cluster of REPLICA_CLUSTERS) {
  describe(`session state on acquire({ target: 'auto' }) with a real ${cluster.name} replica`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let pool: Pool
    const table = `session_state_${cluster.name}`

    beforeAll(async () => {
      pool = createPool({
        dialect: cluster.primary(),
        replicas: [cluster.replica()],
        min: 1,
        max: HANDLES,
        acquireTimeoutMillis: 10_000,
        routing: { replicaCheckIntervalMillis: 200 },
        log: false,
      })
      await pool.ready()
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      const id = cluster.name === 'postgres' ? 'id SERIAL PRIMARY KEY' : 'id INTEGER AUTO_INCREMENT PRIMARY KEY'
      await pool.query(`CREATE TABLE ${table} (${id}, note VARCHAR(40) NOT NULL)`)
      await until(() => pool.routingStats()!.replicas[0]!.healthy, 'the replica in rotation')
    })
    afterAll(async () => {
      await pool?.query(`DROP TABLE IF EXISTS ${table}`)
      await pool?.close()
    })

    it(`${HANDLES} concurrent handles each INSERT, then read the generated id in their own session`, async () => {
      const before = pool.routingStats()!.readsToReplicas
      const outcomes = await Promise.all(
        Array.from({ length: HANDLES }, async (_, i) => {
          const note = `handle ${i}`
          const conn = await pool.acquire({ target: 'auto' })
          try {
            // a read first: routed on its own, to the replica
            const who = await conn.query<{ who: string }>(cluster.whoAmISql, [], { fetch: 'one' })
            await conn.query(`INSERT INTO ${table} (note) VALUES (${cluster.p(1)})`, [note])
            const ids: number[] = []
            for (const sql of LAST_ID_SQL[cluster.name](table)) ids.push(Number((await conn.query<{ id: unknown }>(sql, [], { fetch: 'one' }))!.id))
            const after = await conn.query<{ who: string }>(cluster.whoAmISql, [], { fetch: 'one' })
            return { note, ids, before: who!.who, after: after!.who }
          } finally {
            conn.release()
          }
        }),
      )
      let correct = 0
      for (const { note, ids, before: whoBefore, after } of outcomes) {
        // the id each handle read is the one its own INSERT generated
        const rows = await pool.query<{ note: string }>(`SELECT note FROM ${table} WHERE id = ${cluster.p(1)}`, [ids[0]], { hint: 'write' })
        if (rows.length === 1 && rows[0]!.note === note && ids.every((id) => id === ids[0])) correct++
        expect({ whoBefore, after }).toEqual({ whoBefore: 'replica', after: 'primary' })
      }
      expect(correct).toBe(HANDLES)
      expect(pool.routingStats()!.readsToReplicas - before).toBe(HANDLES)
    })

    it('pins at the first write: later reads on the handle run in the session that wrote', async () => {
      const conn = await pool.acquire({ target: 'auto' })
      try {
        expect(conn.id).toBe('routed')
        await conn.query(`INSERT INTO ${table} (note) VALUES (${cluster.p(1)})`, ['pinned'])
        const pinned = conn.id
        expect(pinned).not.toBe('routed')
        // the replica may not have the row yet; the handle's own session has it
        expect(await conn.query(`SELECT note FROM ${table} WHERE note = 'pinned'`, [], { fetch: 'one' })).toEqual({ note: 'pinned' })
        expect(conn.id).toBe(pinned)
      } finally {
        conn.release()
      }
    })
  })
}
