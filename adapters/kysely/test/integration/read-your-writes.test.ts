import { Kysely, sql, type Generated } from 'kysely'
import mysql2 from 'mysql2'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysql, postgres } from '@sluice/core'
import { sluiceBatch, SluiceMysqlDialect, SluicePostgresDialect, sluiceOf } from '../../src/index.js'
import { MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import { lockReplicaForSuite, PAUSED_REPLICA_ROUTING, REPLICA_CLUSTERS, withReplayPaused } from '../../../../packages/core/test/support/replica-clusters.js'

interface DB {
  kysely_ryw: { id: number; v: number }
  kysely_ryw_ids: { id: Generated<number>; note: string }
}

const POOL = { min: 1, max: 4, log: false, routing: PAUSED_REPLICA_ROUTING } as const

const DIALECTS = {
  postgres: () => new SluicePostgresDialect({ pool: { ...POOL, connectionString: PG_URL, replicas: [postgres({ connectionString: PG_REPLICA_URL, driver: pg })] }, driver: pg }),
  mysql: () => new SluiceMysqlDialect({ pool: { ...POOL, connectionString: MYSQL_URL, replicas: [mysql({ connectionString: MYSQL_REPLICA_URL, driver: mysql2 })] }, driver: mysql2 }),
}

/** Each way Kysely writes: the builder (an auto handle pinned by the write), a transaction (BEGIN ... COMMIT as SQL on one), raw SQL, a batch (a pipeline). */
const WRITES: Record<string, (db: Kysely<DB>, id: number, v: number) => Promise<unknown>> = {
  'updateTable()': (db, id, v) => db.updateTable('kysely_ryw').set({ v }).where('id', '=', id).execute(),
  'transaction()': (db, id, v) => db.transaction().execute((trx) => trx.updateTable('kysely_ryw').set({ v }).where('id', '=', id).execute()),
  'sql`update`': (db, id, v) => sql`update kysely_ryw set v = ${v} where id = ${id}`.execute(db),
  'sluiceBatch()': (db, id, v) => sluiceBatch(db, [db.updateTable('kysely_ryw').set({ v }).where('id', '=', id)], { strategy: 'transactional' }),
}

for (const cluster of REPLICA_CLUSTERS) {
  describe(`Kysely reads its writes in a scope, on a real ${cluster.name} replica with replay paused`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let db: Kysely<DB>
    const read = async (id: number) => Number((await db.selectFrom('kysely_ryw').select('v').where('id', '=', id).executeTakeFirst())?.v)

    beforeAll(async () => {
      db = new Kysely<DB>({ dialect: DIALECTS[cluster.name]() })
      await sluiceOf(db).ready()
      await db.schema.dropTable('kysely_ryw').ifExists().execute()
      await db.schema.createTable('kysely_ryw').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'integer', (c) => c.notNull()).execute()
      await db.insertInto('kysely_ryw').values(Object.keys(WRITES).map((_, i) => ({ id: i + 1, v: 0 }))).execute()
      // the replica has the rows before replay is paused
      while ((await db.selectFrom('kysely_ryw').select('id').execute().catch(() => [])).length < Object.keys(WRITES).length) await new Promise((r) => setTimeout(r, 10))
    })
    afterAll(async () => {
      await db?.schema.dropTable('kysely_ryw').ifExists().execute()
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

    it('db.connection(): 16 at once each INSERT, then read the id their own session generated', async () => {
      const id = cluster.name === 'postgres' ? sql`id serial primary key` : sql`id integer auto_increment primary key`
      await sql`drop table if exists kysely_ryw_ids`.execute(db)
      await sql`create table kysely_ryw_ids (${id}, note varchar(40) not null)`.execute(db)
      try {
        const lastId = cluster.name === 'postgres' ? sql<{ id: unknown }>`select lastval() as id` : sql<{ id: unknown }>`select last_insert_id() as id`
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            db.connection().execute(async (conn) => {
              await conn.insertInto('kysely_ryw_ids').values({ note: `handle ${i}` }).execute()
              return { note: `handle ${i}`, id: Number((await lastId.execute(conn)).rows[0]?.id) }
            }),
          ),
        )
        let correct = 0
        for (const { note, id: readId } of outcomes) {
          // read back on the primary (a transaction), which has every row already
          const row = await db.transaction().execute((trx) => trx.selectFrom('kysely_ryw_ids').select('note').where('id', '=', readId).executeTakeFirst())
          if (row?.note === note) correct++
        }
        expect(correct).toBe(16)
      } finally {
        await sql`drop table if exists kysely_ryw_ids`.execute(db)
      }
    })
  })
}
