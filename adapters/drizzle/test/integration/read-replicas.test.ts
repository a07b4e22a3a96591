/**
 * With replicas, Drizzle's reads outside transactions reach them (the engine
 * routes each `pool.execute()`), and the replicas' connections parse values
 * as Drizzle expects: the adapter builds their dialects too.
 */
import { sql } from 'drizzle-orm'
import { datetime, int, mysqlTable } from 'drizzle-orm/mysql-core'
import { integer, pgTable, timestamp } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { MYSQL_REPLICA_URL, PG_REPLICA_URL } from '../../../../packages/core/test/support/databases.js'
import { drizzle as drizzleMysql2 } from '../../src/mysql2/index.js'
import { drizzle as drizzleNodePg } from '../../src/node-postgres/index.js'
import { sluiceOf } from '../../src/index.js'
import { MYSQL_URL, PG_URL, sleep } from '../support/databases.js'
import { lockReplicasForFile } from '../../../../packages/core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres', 'mysql')

const AT = new Date('2024-05-06T07:08:09.123Z')

/** Reads until the replica has replayed the row (replication is asynchronous). */
async function eventually<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let tries = 0; ; tries++) {
    const rows = await read()
    if (rows.length > 0 || tries === 100) return rows
    await sleep(50)
  }
}

describe('read replicas', () => {
  it('postgres: routes reads to the replica, which parses timestamps as Drizzle does', async () => {
    const events = pgTable('drizzle_pg_replica_events', { id: integer().primaryKey(), at: timestamp({ precision: 3 }).notNull() })
    const db = drizzleNodePg({ connection: PG_URL, replicas: [PG_REPLICA_URL], pool: { min: 0, max: 2 } })
    try {
      await db.execute(sql`drop table if exists drizzle_pg_replica_events`)
      await db.execute(sql`create table drizzle_pg_replica_events (id integer primary key, at timestamp(3) not null)`)
      await db.insert(events).values({ id: 1, at: AT })
      expect(await eventually(() => db.select().from(events))).toEqual([{ id: 1, at: AT }])
      expect(sluiceOf(db).routingStats()!.readsToReplicas).toBeGreaterThan(0)
    } finally {
      await db.execute(sql`drop table if exists drizzle_pg_replica_events`)
      await db.$client.end()
    }
  })

  it('mysql: routes reads to the replica, which reads DATETIME as Drizzle does', async () => {
    const events = mysqlTable('drizzle_mysql_replica_events', { id: int().primaryKey(), at: datetime({ fsp: 3 }).notNull() })
    const db = drizzleMysql2({ connection: MYSQL_URL, replicas: [MYSQL_REPLICA_URL], pool: { min: 0, max: 2 } })
    try {
      await db.execute(sql`drop table if exists drizzle_mysql_replica_events`)
      await db.execute(sql`create table drizzle_mysql_replica_events (id int primary key, at datetime(3) not null)`)
      await db.insert(events).values({ id: 1, at: AT })
      expect(await eventually(() => db.select().from(events))).toEqual([{ id: 1, at: AT }])
      expect(sluiceOf(db).routingStats()!.readsToReplicas).toBeGreaterThan(0)
    } finally {
      await db.execute(sql`drop table if exists drizzle_mysql_replica_events`)
      await db.$client.end()
    }
  })

  it('refuses replicas given as pool.replicas, whose dialects would parse values differently', () => {
    expect(() => drizzleNodePg({ connection: PG_URL, pool: { replicas: [] } as never })).toThrow(/client's `replicas` option/)
  })
})
