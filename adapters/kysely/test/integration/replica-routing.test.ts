import { Kysely, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgres } from '@sluice/core'
import { SluicePostgresDialect, sluiceOf } from '../../src/index.js'
import { PG_REPLICA_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import { lockReplicaForSuite, REPLICA_CLUSTERS } from '../../../../packages/core/test/support/replica-clusters.js'

interface DB {
  kysely_routing: { id: number; note: string }
}

/** Kysely on a pool with a real streaming replica (test/services): reads reach it, writes and transactions do not. */
describe('Kysely reads routed to a real PostgreSQL replica', () => {
  // the replica is shared: no other suite pauses or stops it meanwhile
  lockReplicaForSuite(REPLICA_CLUSTERS[0]!)
  let db: Kysely<DB>
  const who = sql<{ who: string }>`SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END AS who`

  beforeAll(async () => {
    db = new Kysely<DB>({
      dialect: new SluicePostgresDialect({
        pool: { connectionString: PG_URL, min: 1, max: 4, replicas: [postgres({ connectionString: PG_REPLICA_URL, driver: pg })], routing: { replicaCheckIntervalMillis: 100 } },
        driver: pg,
      }),
    })
    await sluiceOf(db).ready()
    await db.schema.dropTable('kysely_routing').ifExists().execute()
    await db.schema.createTable('kysely_routing').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('note', 'varchar(40)').execute()
  })
  afterAll(async () => {
    await db?.schema.dropTable('kysely_routing').ifExists().execute()
    await db?.destroy()
  })

  it('sends query-builder reads to the replica, writes and transactions to the primary', async () => {
    expect((await who.execute(db)).rows).toEqual([{ who: 'replica' }])
    await db.insertInto('kysely_routing').values({ id: 1, note: 'written' }).execute()
    const inTransaction = await db.transaction().execute(async (trx) => (await who.execute(trx)).rows)
    expect(inTransaction).toEqual([{ who: 'primary' }])
    const before = sluiceOf(db).routingStats()!.readsToReplicas
    // a read-your-writes scope: the row is visible on the very next read
    const row = await sluiceOf(db).scope(async () => {
      await db.updateTable('kysely_routing').set({ note: 'updated' }).where('id', '=', 1).execute()
      return db.selectFrom('kysely_routing').select('note').where('id', '=', 1).executeTakeFirst()
    })
    expect(row).toEqual({ note: 'updated' })
    await db.selectFrom('kysely_routing').selectAll().execute()
    expect(sluiceOf(db).routingStats()!.readsToReplicas).toBeGreaterThan(before)
    // a locking read is a write
    const locked = await db.transaction().execute((trx) => trx.selectFrom('kysely_routing').selectAll().forUpdate().execute())
    expect(locked).toHaveLength(1)
  })
})
