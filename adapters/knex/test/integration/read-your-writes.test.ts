import knex, { type Knex } from 'knex'
import mysql2 from 'mysql2'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysql, postgres } from '@sluice/core'
import { SluiceMysql2, SluicePg, sluiceOf, sluicePoolConfig } from '../../src/index.js'
import { MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import { lockReplicaForSuite, PAUSED_REPLICA_ROUTING, REPLICA_CLUSTERS, withReplayPaused } from '../../../../packages/core/test/support/replica-clusters.js'

const POOL = { min: 1, max: 4, log: false, routing: PAUSED_REPLICA_ROUTING } as const

const CLIENTS = {
  postgres: () => knex({ client: SluicePg, connection: PG_URL, pool: sluicePoolConfig({ ...POOL, replicas: [postgres({ connectionString: PG_REPLICA_URL, driver: pg })] }) }),
  mysql: () => knex({ client: SluiceMysql2, connection: MYSQL_URL, pool: sluicePoolConfig({ ...POOL, replicas: [mysql({ connectionString: MYSQL_REPLICA_URL, driver: mysql2 })] }) }),
}

/** Each way Knex writes: the builder (an auto handle pinned by the write), a transaction (BEGIN ... COMMIT as SQL on one), raw SQL. */
const WRITES: Record<string, (db: Knex, id: number, v: number) => Promise<unknown>> = {
  'update()': (db, id, v) => db('knex_ryw').where({ id }).update({ v }),
  'transaction()': (db, id, v) => db.transaction((trx) => trx('knex_ryw').where({ id }).update({ v })),
  'raw()': (db, id, v) => db.raw('update knex_ryw set v = ? where id = ?', [v, id]),
}

for (const cluster of REPLICA_CLUSTERS) {
  describe(`Knex reads its writes in a scope, on a real ${cluster.name} replica with replay paused`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let db: Knex
    const read = async (id: number) => Number(((await db('knex_ryw').where({ id }).first('v')) as { v: unknown } | undefined)?.v)

    beforeAll(async () => {
      db = CLIENTS[cluster.name]()
      await sluiceOf(db).ready()
      await db.schema.dropTableIfExists('knex_ryw')
      await db.schema.createTable('knex_ryw', (t) => {
        t.integer('id').primary()
        t.integer('v').notNullable()
      })
      await db('knex_ryw').insert(Object.keys(WRITES).map((_, i) => ({ id: i + 1, v: 0 })))
      // the replica has the rows before replay is paused
      while ((await db('knex_ryw').select('id').catch(() => [])).length < Object.keys(WRITES).length) await new Promise((r) => setTimeout(r, 10))
    })
    afterAll(async () => {
      await db?.schema.dropTableIfExists('knex_ryw')
      await db?.destroy()
    })

    it('every write is read back in its scope; outside any scope the read comes from the stale replica', async () => {
      const seen: Record<string, unknown> = {}
      const expected: Record<string, unknown> = {}
      await withReplayPaused(cluster, async () => {
        for (const [i, [name, write]] of Object.entries(WRITES).entries()) {
          const id = i + 1
          seen[name] = await sluiceOf(db).scope(async () => {
            await write(db, id, 100 + id)
            return read(id)
          })
          seen[`${name} (outside any scope)`] = await read(id)
          expected[name] = 100 + id
          expected[`${name} (outside any scope)`] = 0
        }
      })
      expect(seen).toEqual(expected)
    })
  })
}
