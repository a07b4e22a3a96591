import knex, { type Knex } from 'knex'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgres } from '@sluice/core'
import { SluicePg, sluiceOf, sluicePoolConfig } from '../../src/index.js'
import { PG_REPLICA_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'
import { lockReplicaForSuite, REPLICA_CLUSTERS } from '../../../../packages/core/test/support/replica-clusters.js'

/** Knex on a pool with a real streaming replica (test/services): reads reach it, writes and transactions do not. */
describe('Knex reads routed to a real PostgreSQL replica', () => {
  // the replica is shared: no other suite pauses or stops it meanwhile
  lockReplicaForSuite(REPLICA_CLUSTERS[0]!)
  let db: Knex
  const whoSql = "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END AS who"

  beforeAll(async () => {
    db = knex({
      client: SluicePg,
      connection: PG_URL,
      pool: sluicePoolConfig({ min: 1, max: 4, replicas: [postgres({ connectionString: PG_REPLICA_URL, driver: pg })], routing: { replicaCheckIntervalMillis: 100 } }),
    })
    await sluiceOf(db).ready()
    await db.schema.dropTableIfExists('knex_routing')
    await db.schema.createTable('knex_routing', (t) => {
      t.integer('id').primary()
      t.string('note', 40)
    })
  })
  afterAll(async () => {
    await db?.schema.dropTableIfExists('knex_routing')
    await db?.destroy()
  })

  it('sends builder reads to the replica, writes and transactions to the primary', async () => {
    expect((await db.raw(whoSql)).rows).toEqual([{ who: 'replica' }])
    await db('knex_routing').insert({ id: 1, note: 'written' })
    const inTransaction = await db.transaction(async (trx) => (await trx.raw(whoSql)).rows)
    expect(inTransaction).toEqual([{ who: 'primary' }])
    const row = await sluiceOf(db).scope(async () => {
      await db('knex_routing').where({ id: 1 }).update({ note: 'updated' })
      return db('knex_routing').where({ id: 1 }).first('note')
    })
    expect(row).toEqual({ note: 'updated' })
    const before = sluiceOf(db).routingStats()!.readsToReplicas
    await db('knex_routing').select('*')
    expect(sluiceOf(db).routingStats()!.readsToReplicas).toBe(before + 1)
    const locked = await db.transaction((trx) => trx('knex_routing').forUpdate().select('*'))
    expect(locked).toHaveLength(1)
    expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
  })
})
