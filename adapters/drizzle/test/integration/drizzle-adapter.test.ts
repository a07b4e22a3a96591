/**
 * Drizzle on Sluice: the shared adapter suite on PostgreSQL, MySQL and
 * SQLite, then what is Drizzle's own: transactions under load, nested
 * transactions (savepoints), relational queries, the synchronous SQLite API,
 * and the pool's statistics reached through `sluiceOf(db)`.
 */
import { PoolTimeoutError } from '@sluice/core'
import { count, DrizzleQueryError, eq, relations, sql } from 'drizzle-orm'
import { int, mysqlTable } from 'drizzle-orm/mysql-core'
import { integer, pgTable, serial, varchar } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adapterSuite } from '../../../../test/adapters/adapter-suite.js'
import { drizzle as drizzleMysql2 } from '../../src/mysql2/index.js'
import { drizzle as drizzleNodePg } from '../../src/node-postgres/index.js'
import { drizzle as drizzleSqlite } from '../../src/better-sqlite3/index.js'
import { sluiceOf } from '../../src/index.js'
import { MYSQL_URL, PG_URL, sleep, tempSqliteFile } from '../support/databases.js'
import { firstRow, mysqlHarness, mysqlItems } from '../support/mysql-harness.js'
import { pgHarness, pgItems } from '../support/pg-harness.js'
import { connectionMarker, sqliteHarness, sqliteItems } from '../support/sqlite-harness.js'

adapterSuite(pgHarness)
adapterSuite(mysqlHarness)
adapterSuite(sqliteHarness(tempSqliteFile()))

const TRANSACTIONS = 50

describe('drizzle on Sluice, postgres: Drizzle-specific', () => {
  const db = drizzleNodePg({ connection: PG_URL, pool: { min: 0, max: 5, acquireTimeoutMillis: 10_000 } })
  const items = pgItems('drizzle_pg_items')
  beforeAll(async () => {
    await db.execute(sql`drop table if exists drizzle_pg_items`)
    await db.execute(sql`create table drizzle_pg_items (id integer primary key, name varchar(100) not null, qty integer not null)`)
  })
  afterAll(async () => {
    await db.execute(sql`drop table if exists drizzle_pg_items`)
    await db.$client.end()
  })

  it(`keeps each of ${TRANSACTIONS} concurrent transactions on one backend and one server transaction`, async () => {
    const seen = await Promise.all(
      Array.from({ length: TRANSACTIONS }, (_, i) =>
        db.transaction(async (tx) => {
          const where = async () => {
            const { rows } = await tx.execute<{ pid: number; xid: string }>(sql`select pg_backend_pid() as pid, pg_current_xact_id()::text as xid`)
            return `${rows[0]!.pid}/${rows[0]!.xid}`
          }
          const marks = [await where()]
          await tx.insert(items).values({ id: i, name: `tx ${i}`, qty: i })
          marks.push(await where())
          await sleep(i % 7)
          await tx.update(items).set({ qty: sql`${items.qty} + 1` }).where(eq(items.id, i))
          marks.push(await where())
          return marks
        }),
      ),
    )
    for (const marks of seen) expect(new Set(marks).size).toBe(1)
    // each transaction had its own server transaction, on at most `max` backends
    expect(new Set(seen.map((marks) => marks[0])).size).toBe(TRANSACTIONS)
    expect(new Set(seen.map((marks) => marks[0]!.split('/')[0])).size).toBeLessThanOrEqual(5)
    const [row] = await db.select({ n: count(), total: sql<number>`sum(${items.qty})::int` }).from(items)
    expect(row).toEqual({ n: TRANSACTIONS, total: (TRANSACTIONS * (TRANSACTIONS - 1)) / 2 + TRANSACTIONS })
    expect(sluiceOf(db).stats().currentState).toMatchObject({ activeConnections: 0, pendingAcquires: 0 })
  })

  it('rolls back to a savepoint for a nested tx.transaction() and keeps the outer work', async () => {
    await db.transaction(async (tx) => {
      await tx.insert(items).values({ id: 1000, name: 'outer', qty: 1 })
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(items).values({ id: 1001, name: 'inner', qty: 1 })
          throw new Error('undo the inner part')
        }),
      ).rejects.toThrow('undo the inner part')
      await tx.transaction(async (inner) => {
        await inner.insert(items).values({ id: 1002, name: 'kept', qty: 1 })
      })
    })
    const ids = await db.select({ id: items.id }).from(items).where(sql`${items.id} >= 1000`).orderBy(items.id)
    expect(ids).toEqual([{ id: 1000 }, { id: 1002 }])
  })

  it('runs relational queries', async () => {
    const authors = pgTable('drizzle_pg_authors', { id: serial().primaryKey(), name: varchar({ length: 50 }).notNull() })
    const books = pgTable('drizzle_pg_books', { id: serial().primaryKey(), authorId: integer('author_id').notNull(), title: varchar({ length: 50 }).notNull() })
    const schema = {
      authors,
      books,
      authorsRelations: relations(authors, ({ many }) => ({ books: many(books) })),
      booksRelations: relations(books, ({ one }) => ({ author: one(authors, { fields: [books.authorId], references: [authors.id] }) })),
    }
    const rdb = drizzleNodePg({ client: db.$client, schema })
    await rdb.execute(sql`drop table if exists drizzle_pg_books, drizzle_pg_authors`)
    await rdb.execute(sql`create table drizzle_pg_authors (id serial primary key, name varchar(50) not null)`)
    await rdb.execute(sql`create table drizzle_pg_books (id serial primary key, author_id integer not null, title varchar(50) not null)`)
    try {
      const [author] = await rdb.insert(authors).values({ name: 'Le Guin' }).returning()
      await rdb.insert(books).values([{ authorId: author!.id, title: 'The Dispossessed' }, { authorId: author!.id, title: 'Lavinia' }])
      const found = await rdb.query.authors.findFirst({ with: { books: { columns: { title: true }, orderBy: (b, { asc }) => asc(b.title) } } })
      expect(found).toEqual({ id: author!.id, name: 'Le Guin', books: [{ title: 'Lavinia' }, { title: 'The Dispossessed' }] })
    } finally {
      await rdb.execute(sql`drop table if exists drizzle_pg_books, drizzle_pg_authors`)
    }
  })

  it('reports an acquire timeout as PoolTimeoutError: a query\'s as the cause of DrizzleQueryError, a transaction\'s as it is', async () => {
    const small = drizzleNodePg({ connection: PG_URL, pool: { min: 0, max: 1, acquireTimeoutMillis: 150 } })
    try {
      await sluiceOf(small).withConnection(async () => undefined)
      const holding = small.transaction(async (tx) => tx.execute(sql`select pg_sleep(0.6)`))
      await sleep(50)
      const queryError = await small.select().from(items).catch((e: unknown) => e)
      expect(queryError).toBeInstanceOf(DrizzleQueryError)
      expect((queryError as Error).cause).toBeInstanceOf(PoolTimeoutError)
      expect(await small.transaction(async () => 'never').catch((e: unknown) => e)).toBeInstanceOf(PoolTimeoutError)
      await holding
      expect(sluiceOf(small).stats().connections.acquireTimeouts).toBe(2)
    } finally {
      await small.$client.end()
    }
  })

  it('moves the statistics sluiceOf(db) reports', async () => {
    const pool = sluiceOf(db)
    expect(sluiceOf(db.$client)).toBe(pool)
    const before = pool.stats()
    await db.select().from(items).limit(1)
    await db.transaction(async (tx) => {
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
      await tx.select().from(items).limit(1)
    })
    const after = pool.stats()
    // select; begin, select, commit
    expect(after.queries.executed - before.queries.executed).toBe(4)
    expect(after.connections.created).toBeGreaterThanOrEqual(1)
    expect(after.currentState.activeConnections).toBe(0)
    expect(db.$client.totalCount).toBe(after.currentState.totalConnections)
  })
})

describe('drizzle on Sluice, mysql: Drizzle-specific', () => {
  const db = drizzleMysql2({ connection: MYSQL_URL, pool: { min: 0, max: 5, acquireTimeoutMillis: 10_000 } })
  const items = mysqlItems('drizzle_mysql_items')
  beforeAll(async () => {
    await db.execute(sql`drop table if exists drizzle_mysql_items`)
    await db.execute(sql`create table drizzle_mysql_items (id int primary key, name varchar(100) not null, qty int not null)`)
  })
  afterAll(async () => {
    await db.execute(sql`drop table if exists drizzle_mysql_items`)
    await db.$client.end()
  })

  it(`keeps each of ${TRANSACTIONS} concurrent transactions on one backend and one server transaction`, async () => {
    const seen = await Promise.all(
      Array.from({ length: TRANSACTIONS }, (_, i) =>
        db.transaction(async (tx) => {
          // MariaDB's @@in_transaction: the statement ran inside an open transaction
          const where = async () => {
            const row = firstRow<{ id: number; open: number }>(await tx.execute(sql`select connection_id() as id, @@in_transaction as open`))!
            return `${row.id}/${row.open}`
          }
          await tx.insert(items).values({ id: i, name: `tx ${i}`, qty: i })
          const marks = [await where()]
          await sleep(i % 7)
          await tx.update(items).set({ qty: sql`${items.qty} + 1` }).where(eq(items.id, i))
          marks.push(await where())
          // its own uncommitted row is visible to it: the same server transaction
          const [mine] = await tx.select({ qty: items.qty }).from(items).where(eq(items.id, i))
          expect(mine).toEqual({ qty: i + 1 })
          marks.push(await where())
          return marks
        }),
      ),
    )
    for (const marks of seen) {
      expect(new Set(marks).size).toBe(1)
      expect(marks[0]).toMatch(/\/1$/)
    }
    expect(new Set(seen.map((marks) => marks[0]!.split('/')[0])).size).toBeLessThanOrEqual(5)
    const [row] = await db.select({ n: count(), total: sql<number>`cast(sum(${items.qty}) as signed)` }).from(items)
    expect(row).toEqual({ n: TRANSACTIONS, total: (TRANSACTIONS * (TRANSACTIONS - 1)) / 2 + TRANSACTIONS })
    expect(sluiceOf(db).stats().currentState).toMatchObject({ activeConnections: 0, pendingAcquires: 0 })
  })

  it('rolls back to a savepoint for a nested tx.transaction() and keeps the outer work', async () => {
    await db.transaction(async (tx) => {
      await tx.insert(items).values({ id: 1000, name: 'outer', qty: 1 })
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(items).values({ id: 1001, name: 'inner', qty: 1 })
          throw new Error('undo the inner part')
        }),
      ).rejects.toThrow('undo the inner part')
      await tx.transaction(async (inner) => {
        await inner.insert(items).values({ id: 1002, name: 'kept', qty: 1 })
      })
    })
    const ids = await db.select({ id: items.id }).from(items).where(sql`${items.id} >= 1000`).orderBy(items.id)
    expect(ids).toEqual([{ id: 1000 }, { id: 1002 }])
  })

  it('leaves the connection usable after breaking out of an iterator, in and out of a transaction', async () => {
    const numbers = mysqlTable('seq_1_to_5000', { seq: int().notNull() })
    for await (const row of db.select().from(numbers).iterator()) {
      expect(row).toEqual({ seq: 1 })
      break
    }
    await db.transaction(async (tx) => {
      let seen = 0
      for await (const _row of tx.select().from(numbers).iterator()) if (++seen === 3) break
      expect(seen).toBe(3)
      // the rest of the result is drained, then this statement runs on the same connection
      const [row] = await tx.select({ n: count() }).from(items)
      expect(row!.n).toBeGreaterThan(0)
    })
    expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
  })

  it('reports an acquire timeout as PoolTimeoutError: a query\'s as the cause of DrizzleQueryError, a transaction\'s as it is', async () => {
    const small = drizzleMysql2({ connection: MYSQL_URL, pool: { min: 0, max: 1, acquireTimeoutMillis: 150 } })
    try {
      await sluiceOf(small).withConnection(async () => undefined)
      const holding = small.transaction(async (tx) => tx.execute(sql`select sleep(0.6)`))
      await sleep(50)
      const queryError = await small.select().from(items).catch((e: unknown) => e)
      expect(queryError).toBeInstanceOf(DrizzleQueryError)
      expect((queryError as Error).cause).toBeInstanceOf(PoolTimeoutError)
      expect(await small.transaction(async () => 'never').catch((e: unknown) => e)).toBeInstanceOf(PoolTimeoutError)
      await holding
      expect(sluiceOf(small).stats().connections.acquireTimeouts).toBe(2)
    } finally {
      await small.$client.end()
    }
  })

  it('moves the statistics sluiceOf(db) reports', async () => {
    const pool = sluiceOf(db)
    expect(sluiceOf(db.$client)).toBe(pool)
    const before = pool.stats()
    await db.select().from(items).limit(1)
    await db.transaction(async (tx) => {
      expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
      await tx.select().from(items).limit(1)
    })
    const after = pool.stats()
    expect(after.queries.executed - before.queries.executed).toBe(4)
    expect(after.currentState.activeConnections).toBe(0)
  })
})

describe('drizzle on Sluice, sqlite: Drizzle-specific', () => {
  const file = tempSqliteFile()
  const items = sqliteItems('drizzle_sqlite_items')
  let db: Awaited<ReturnType<typeof sqliteDb>>
  const sqliteDb = () => drizzleSqlite({ connection: { filename: file, busyTimeoutMillis: 100 }, pool: { min: 1, max: 4, acquireTimeoutMillis: 2_000 } })
  beforeAll(async () => {
    db = await sqliteDb()
    db.run(sql`create table drizzle_sqlite_items (id integer primary key, name text not null, qty integer not null)`)
  })
  afterAll(() => db.$client.close())

  it("rolls back a synchronous db.transaction() that throws, as better-sqlite3's own does", () => {
    expect(() =>
      db.transaction((tx) => {
        tx.insert(items).values({ id: 1, name: 'doomed', qty: 1 }).run()
        expect(tx.select({ n: count() }).from(items).get()!.n).toBe(1)
        throw new Error('abort')
      }),
    ).toThrow('abort')
    expect(db.select({ n: count() }).from(items).get()!.n).toBe(0)
    const kept = db.transaction((tx) => {
      tx.insert(items).values({ id: 1, name: 'kept', qty: 1 }).run()
      // a nested synchronous transaction is a savepoint
      expect(() =>
        tx.transaction((inner) => {
          inner.insert(items).values({ id: 2, name: 'inner', qty: 1 }).run()
          throw new Error('undo the inner part')
        }),
      ).toThrow('undo the inner part')
      return tx.select().from(items).all()
    })
    expect(kept).toEqual([{ id: 1, name: 'kept', qty: 1 }])
  })

  it('runs synchronous statements on the pinned connection and each async transaction on a connection of its own', async () => {
    const pinned = connectionMarker(db)
    const markers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction(async (tx) => {
          const marks = [connectionMarker(tx)]
          tx.insert(items).values({ id: 100 + i, name: `async ${i}`, qty: i }).run()
          await sleep(2)
          marks.push(connectionMarker(tx))
          return marks
        }),
      ),
    )
    for (const marks of markers) {
      expect(new Set(marks).size).toBe(1)
      expect(marks[0]).not.toBe(pinned)
    }
    expect(connectionMarker(db)).toBe(pinned)
    expect(db.select({ n: count() }).from(items).where(sql`${items.id} >= 100`).get()!.n).toBe(20)
    // back to the pinned connection alone
    expect(sluiceOf(db).stats().currentState).toMatchObject({ activeConnections: 1, pendingAcquires: 0 })
    expect(sluiceOf(db).stats().currentState.totalConnections).toBeLessThanOrEqual(4)
  })

  it('lets synchronous reads see the last committed state while an async transaction writes', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const writing = db.transaction(async (tx) => {
      tx.insert(items).values({ id: 500, name: 'uncommitted', qty: 1 }).run()
      await gate
    })
    await sleep(20)
    expect(db.select().from(items).where(eq(items.id, 500)).all()).toEqual([])
    // a synchronous write now would sleep on the lock with the event loop stopped: it fails at once instead
    const started = Date.now()
    expect(() => db.insert(items).values({ id: 501, name: 'blocked', qty: 1 }).run()).toThrow(/SQLITE_BUSY/)
    expect(() => db.transaction(() => undefined, { behavior: 'immediate' })).toThrow(/SQLITE_BUSY/)
    expect(Date.now() - started).toBeLessThan(50)
    release()
    await writing
    expect(db.select({ name: items.name }).from(items).where(eq(items.id, 500)).get()).toEqual({ name: 'uncommitted' })
    db.insert(items).values({ id: 501, name: 'after', qty: 1 }).run()
  })

  it('rolls back an async transaction that throws, and a nested async db.transaction() to its savepoint', async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.insert(items).values({ id: 600, name: 'doomed', qty: 1 }).run()
        await sleep(1)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    await db.transaction(async (tx) => {
      tx.insert(items).values({ id: 601, name: 'outer', qty: 1 }).run()
      const outer = connectionMarker(tx)
      // db (not tx) inside the transaction: the same connection, a savepoint
      await expect(
        db.transaction(async (inner) => {
          expect(connectionMarker(inner)).toBe(outer)
          inner.insert(items).values({ id: 602, name: 'inner', qty: 1 }).run()
          throw new Error('undo the inner part')
        }),
      ).rejects.toThrow('undo the inner part')
    })
    const ids = db.select({ id: items.id }).from(items).where(sql`${items.id} >= 600`).all()
    expect(ids).toEqual([{ id: 601 }])
    expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
  })

  it('gives the connection back when an async transaction cannot BEGIN', async () => {
    const harness = await sqliteHarness(file).sluice({ min: 0, max: 3, acquireTimeoutMillis: 2_000 })
    try {
      const error = await harness.failingBegin()
      expect((error as { code?: string }).code).toBe('SQLITE_BUSY')
      expect(harness.stats()!.currentState.activeConnections).toBe(1)
    } finally {
      await harness.destroy()
    }
  })

  it('times out the acquire of an async transaction on an exhausted pool with PoolTimeoutError', async () => {
    const small = await drizzleSqlite({ connection: file, pool: { min: 0, max: 2, acquireTimeoutMillis: 200 } })
    try {
      const holding = small.transaction(async () => sleep(600))
      await sleep(50)
      const error = await small.transaction(async () => 'never').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PoolTimeoutError)
      // the synchronous API does not need the pool meanwhile
      expect(small.select({ n: count() }).from(items).get()!.n).toBeGreaterThan(0)
      await holding
    } finally {
      await small.$client.close()
    }
  })

  it('moves the statistics sluiceOf(db) reports', async () => {
    const pool = sluiceOf(db)
    expect(sluiceOf(db.$client)).toBe(pool)
    const before = pool.stats()
    await db.transaction(async (tx) => tx.select().from(items).limit(1).all())
    const after = pool.stats()
    // BEGIN IMMEDIATE and COMMIT go through the engine; the statements inside run on the leased handle
    expect(after.queries.executed - before.queries.executed).toBe(2)
    expect(after.connections.created).toBeGreaterThanOrEqual(2)
  })
})
