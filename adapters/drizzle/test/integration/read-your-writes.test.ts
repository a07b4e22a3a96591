/**
 * Drizzle inside `pool.scope()`: reads see the scope's writes whichever way
 * Drizzle sent them (`pool.execute()` for a plain statement, a checked-out
 * connection for a transaction), while reads outside any scope reach the
 * replica, here with its replay paused.
 */
import { eq, sql } from 'drizzle-orm'
import { int, mysqlTable } from 'drizzle-orm/mysql-core'
import { integer, pgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MYSQL_REPLICA_URL, PG_REPLICA_URL } from '../../../../packages/core/test/support/databases.js'
import { lockReplicaForSuite, PAUSED_REPLICA_ROUTING, REPLICA_CLUSTERS, withReplayPaused } from '../../../../packages/core/test/support/replica-clusters.js'
import { drizzle as drizzleMysql2 } from '../../src/mysql2/index.js'
import { drizzle as drizzleNodePg } from '../../src/node-postgres/index.js'
import { sluiceOf } from '../../src/index.js'
import { MYSQL_URL, PG_URL, sleep } from '../support/databases.js'

const POOL = { min: 1, max: 4, log: false, routing: PAUSED_REPLICA_ROUTING } as const
const WRITES = ['update()', 'transaction()', 'execute(sql`update`)'] as const

/** What the test does with each database's Drizzle, in one shape. */
interface Subject {
  write(kind: (typeof WRITES)[number], id: number, v: number): Promise<unknown>
  read(id: number): Promise<number>
  run(statement: ReturnType<typeof sql>): Promise<unknown>
  count(): Promise<number>
  readonly db: Parameters<typeof sluiceOf>[0]
  end(): Promise<void>
}

function pgSubject(): Subject {
  const table = pgTable('drizzle_ryw', { id: integer().primaryKey(), v: integer().notNull() })
  const db = drizzleNodePg({ connection: PG_URL, replicas: [PG_REPLICA_URL], pool: POOL })
  return {
    write: (kind, id, v) =>
      kind === 'update()'
        ? db.update(table).set({ v }).where(eq(table.id, id))
        : kind === 'transaction()'
          ? db.transaction((tx) => tx.update(table).set({ v }).where(eq(table.id, id)))
          : db.execute(sql`update drizzle_ryw set v = ${v} where id = ${id}`),
    read: async (id) => Number((await db.select({ v: table.v }).from(table).where(eq(table.id, id)))[0]?.v),
    run: (statement) => db.execute(statement),
    count: async () => (await db.select({ id: table.id }).from(table).catch(() => [])).length,
    db,
    end: () => db.$client.end(),
  }
}

function mysqlSubject(): Subject {
  const table = mysqlTable('drizzle_ryw', { id: int().primaryKey(), v: int().notNull() })
  const db = drizzleMysql2({ connection: MYSQL_URL, replicas: [MYSQL_REPLICA_URL], pool: POOL })
  return {
    write: (kind, id, v) =>
      kind === 'update()'
        ? db.update(table).set({ v }).where(eq(table.id, id))
        : kind === 'transaction()'
          ? db.transaction((tx) => tx.update(table).set({ v }).where(eq(table.id, id)))
          : db.execute(sql`update drizzle_ryw set v = ${v} where id = ${id}`),
    read: async (id) => Number((await db.select({ v: table.v }).from(table).where(eq(table.id, id)))[0]?.v),
    run: (statement) => db.execute(statement),
    count: async () => (await db.select({ id: table.id }).from(table).catch(() => [])).length,
    db,
    end: () => db.$client.end(),
  }
}

for (const cluster of REPLICA_CLUSTERS) {
  describe(`Drizzle reads its writes in a scope, on a real ${cluster.name} replica with replay paused`, () => {
    // the replica is shared: no other suite pauses or stops it meanwhile
    lockReplicaForSuite(cluster)
    let subject: Subject

    beforeAll(async () => {
      subject = cluster.name === 'postgres' ? pgSubject() : mysqlSubject()
      await subject.run(sql`drop table if exists drizzle_ryw`)
      await subject.run(sql`create table drizzle_ryw (id integer primary key, v integer not null)`)
      await subject.run(sql`insert into drizzle_ryw (id, v) values (1, 0), (2, 0), (3, 0)`)
      // the replica has the rows before replay is paused
      while ((await subject.count()) < WRITES.length) await sleep(10)
    })
    afterAll(async () => {
      await subject?.run(sql`drop table if exists drizzle_ryw`)
      await subject?.end()
    })

    it('every write is read back in its scope; outside any scope the read comes from the stale replica', async () => {
      const seen: Record<string, unknown> = {}
      const expected: Record<string, unknown> = {}
      await withReplayPaused(cluster, async () => {
        for (const [i, kind] of WRITES.entries()) {
          const id = i + 1
          seen[kind] = await sluiceOf(subject.db).scope(async () => {
            await subject.write(kind, id, 100 + id)
            return subject.read(id)
          })
          seen[`${kind} (outside any scope)`] = await subject.read(id)
          expected[kind] = 100 + id
          expected[`${kind} (outside any scope)`] = 0
        }
      })
      expect(seen).toEqual(expected)
    })
  })
}
