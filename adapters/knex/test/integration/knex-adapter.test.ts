/**
 * The shared adapter suite on PostgreSQL, MySQL and SQLite, then what only a
 * Knex client has: afterCreate, searchPath, Knex's release and destroy
 * habits, KnexTimeoutError, `.stream()`, and the pool option mapping.
 */
import { once } from 'node:events'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PoolTimeoutError } from '@sluice/core'
import { SluicePg, sluiceOf, type SluiceKnexConnection } from '@sluice/knex'
import { PG_URL } from '../../../../packages/core/test/support/databases.js'
import { adapterSuite } from '../../../../test/adapters/adapter-suite.js'
import { knexHarness, removeSqliteFile, seriesSql, sluiceKnex } from '../support/knex-harness.js'
import { SESSION_MARKERS } from '../support/session-markers.js'

const DATABASES = ['postgres', 'mysql', 'sqlite'] as const
const KNEX_TIMEOUT_MESSAGE = 'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'
/** Knex logs each failed acquire as a warning, as stock Knex does; these tests cause them on purpose. */
const quiet = { log: { warn() {} } }

afterAll(removeSqliteFile)

for (const database of DATABASES) adapterSuite(knexHarness(database))

/** Resolves once every caller has arrived, so that n transactions hold n connections at once. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return () => {
    if (++arrived === parties) open()
    return opened
  }
}

for (const database of DATABASES) {
  const marker = SESSION_MARKERS[database]

  describe(`knex on Sluice, ${database}: Knex's own features`, () => {
    it('runs afterCreate once per new connection, on the driver connection, before its first statement', async () => {
      const connections: unknown[] = []
      const db = sluiceKnex(database, {
        min: 1,
        max: 3,
        afterCreate: (connection: unknown, done: (error?: unknown) => void) => {
          connections.push(connection)
          marker.mark(connection, done)
        },
      })
      try {
        // three connections held at once (transactions would queue on SQLite's one writer)
        const held = await Promise.all([0, 1, 2].map(() => db.client.acquireConnection()))
        const marks = await Promise.all(held.map((connection) => marker.read(db, connection)))
        expect(marks).toEqual([marker.expected, marker.expected, marker.expected])
        await Promise.all(held.map((connection) => db.client.releaseConnection(connection)))
        for (let i = 0; i < 20; i++) expect(await marker.read(db)).toBe(marker.expected)
        const stats = sluiceOf(db).stats()
        expect(stats.connections.created).toBe(3)
        expect(connections).toHaveLength(stats.connections.created)
        expect(new Set(connections).size).toBe(3)
      } finally {
        await db.destroy()
      }
    })

    it('closes a connection whose afterCreate fails, and opens another for the waiting acquire', async () => {
      let calls = 0
      const db = sluiceKnex(database, {
        min: 0,
        max: 2,
        afterCreate: (connection: unknown, done: (error?: unknown, connection?: unknown) => void) => (++calls === 1 ? done(new Error('afterCreate refused')) : done(null, connection)),
      })
      try {
        await db.raw('select 1')
        expect(calls).toBe(2)
        expect(sluiceOf(db).stats().connections).toMatchObject({ created: 1, failed: 1 })
        expect(sluiceOf(db).stats().currentState).toMatchObject({ totalConnections: 1, activeConnections: 0 })
      } finally {
        await db.destroy()
      }
    })

    it('gives up on an afterCreate that never finishes after createTimeoutMillis', async () => {
      let calls = 0
      const db = sluiceKnex(database, {
        min: 0,
        max: 1,
        createTimeoutMillis: 100,
        afterCreate: (connection: unknown, done: (error?: unknown, connection?: unknown) => void) => (++calls === 1 ? undefined : done(null, connection)),
      })
      try {
        await db.raw('select 1')
        expect(sluiceOf(db).stats().connections).toMatchObject({ created: 1, failed: 1 })
      } finally {
        await db.destroy()
      }
    })

    it('takes a double release of one connection from Knex without error or corruption', async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      try {
        const connection = (await db.client.acquireConnection()) as SluiceKnexConnection
        await db.client.releaseConnection(connection)
        await expect(db.client.releaseConnection(connection)).resolves.toBeUndefined()
        expect(sluiceOf(db).stats().currentState).toMatchObject({ totalConnections: 1, activeConnections: 0, availableConnections: 1 })
        // the idle list holds it once: two borrowers get two different connections
        const [a, b] = (await Promise.all([db.client.acquireConnection(), db.client.acquireConnection()])) as SluiceKnexConnection[]
        expect(a!.__knexUid).not.toBe(b!.__knexUid)
        await Promise.all([db.client.releaseConnection(a), db.client.releaseConnection(b)])
        expect(sluiceOf(db).stats().currentState).toMatchObject({ totalConnections: 2, activeConnections: 0, availableConnections: 2 })
      } finally {
        await db.destroy()
      }
    })

    it('closes the pool on destroy() and opens a new one on initialize(), as stock Knex does', async () => {
      const db = sluiceKnex(database, { min: 1, max: 2 })
      await db.raw('select 1')
      const first = sluiceOf(db)
      await db.destroy()
      expect(first.closed).toBe(true)
      expect(() => sluiceOf(db)).toThrow(/destroyed/)
      await expect(db.raw('select 1')).rejects.toThrow('Unable to acquire a connection')
      db.initialize()
      try {
        const second = sluiceOf(db)
        expect(second).not.toBe(first)
        await db.raw('select 1')
        expect(second.stats().connections.created).toBeGreaterThanOrEqual(1)
      } finally {
        await new Promise<void>((resolve, reject) => db.destroy((error?: unknown) => (error ? reject(error) : resolve())))
      }
      expect(() => sluiceOf(db)).toThrow(/destroyed/)
    })

    it("times out an acquire with Knex's own KnexTimeoutError and message, the pool's error as cause", async () => {
      const db = sluiceKnex(database, { min: 0, max: 1, acquireTimeoutMillis: 300 }, quiet)
      try {
        // open the one connection first, so that only the second acquire can time out
        await db.raw('select 1')
        await db.transaction(async () => {
          // outside the transaction: needs a second connection, which max 1 refuses
          const error = (await db.raw('select 1').catch((e: unknown) => e)) as Error
          expect(error).toBeInstanceOf(knex.KnexTimeoutError)
          expect(error.message).toBe(KNEX_TIMEOUT_MESSAGE)
          expect(error.cause).toBeInstanceOf(PoolTimeoutError)
        })
        expect(sluiceOf(db).stats().connections.acquireTimeouts).toBe(1)
        await db.raw('select 1')
      } finally {
        await db.destroy()
      }
    })

    it('streams with .stream(), and an early end leaves the pool healthy and the connection reusable', async () => {
      const db = sluiceKnex(database, { min: 0, max: 1 })
      try {
        let seen = 0
        for await (const _row of db.raw(seriesSql(database, 500), [500]).stream()) seen++
        expect(seen).toBe(500)
        const held = (await db.client.acquireConnection()) as SluiceKnexConnection
        const uid = held.__knexUid
        await db.client.releaseConnection(held)

        // break out after a few rows
        let taken = 0
        for await (const _row of db.raw(seriesSql(database, 5_000), [5_000]).stream({ highWaterMark: 50 })) if (++taken === 5) break
        await vi.waitFor(() => expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0))

        // destroy a piped stream midway
        const stream = db.raw(seriesSql(database, 5_000), [5_000]).stream()
        stream.once('data', () => stream.destroy())
        await once(stream, 'close')
        await vi.waitFor(() => expect(sluiceOf(db).stats().currentState).toMatchObject({ activeConnections: 0, availableConnections: 1 }))

        // the same connection comes back, out of any transaction the streams opened
        const connection = (await db.client.acquireConnection()) as SluiceKnexConnection
        expect(connection.__knexUid).toBe(uid)
        expect(connection.lease.inTransaction()).toBe(false)
        await db.client.releaseConnection(connection)
        const stats = sluiceOf(db).stats()
        expect(stats.connections).toMatchObject({ created: 1, recycled: 0 })
      } finally {
        await db.destroy()
      }
    })

    it('streams inside a transaction on its connection, which stays held until the transaction ends', async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      try {
        const result = await db.transaction(async (trx) => {
          const ids: string[] = []
          db.on('query', ({ __knexUid }: { __knexUid: string }) => ids.push(__knexUid))
          let seen = 0
          for await (const _row of trx.raw(seriesSql(database, 300), [300]).stream()) seen++
          const active = sluiceOf(db).stats().currentState.activeConnections
          await trx.raw('select 1')
          return { seen, active, connections: new Set(ids).size }
        })
        expect(result).toEqual({ seen: 300, active: 1, connections: 1 })
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      } finally {
        await db.destroy()
      }
    })

    it('runs nested transactions as savepoints and holds a connection for an unmanaged knex.transaction()', async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      const table = `knex_nested_${database}`
      try {
        await db.schema.dropTableIfExists(table)
        await db.schema.createTable(table, (t) => t.integer('id').primary())
        await db.transaction(async (outer) => {
          await outer(table).insert({ id: 1 })
          await outer.transaction(async (inner) => {
            await inner(table).insert({ id: 2 })
            throw new Error('undo the savepoint only')
          }).catch(() => {})
          await outer.transaction(async (inner) => inner(table).insert({ id: 3 }))
        })
        expect(await db(table).orderBy('id').pluck('id')).toEqual([1, 3])

        const trx = await db.transaction()
        await trx(table).insert({ id: 4 })
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(1)
        await trx.rollback()
        expect(await db(table).orderBy('id').pluck('id')).toEqual([1, 3])
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      } finally {
        await db.schema.dropTableIfExists(table)
        await db.destroy()
      }
    })

    it('passes a failing stream statement to the consumer and keeps the pool healthy', async () => {
      const db = sluiceKnex(database, { min: 0, max: 1 })
      try {
        const reading = (async () => {
          for await (const _row of db.raw('select * from no_such_table_sluice').stream()) void _row
        })()
        await expect(reading).rejects.toThrow(/no_such_table_sluice/)
        await vi.waitFor(() => expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0))
        await db.raw('select 1')
      } finally {
        await db.destroy()
      }
    })

    it("moves sluiceOf(knex).stats() and names Sluice's connection ids in Knex's query events", async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      try {
        const uids: string[] = []
        db.on('query', ({ __knexUid }: { __knexUid: string }) => uids.push(__knexUid))
        const before = sluiceOf(db).stats()
        await Promise.all(Array.from({ length: 5 }, () => db.raw('select 1')))
        const during = await db.transaction(async (trx) => (await trx.raw('select 1'), sluiceOf(trx).stats()))
        const after = sluiceOf(db).stats()
        expect(after.queries.executed).toBeGreaterThanOrEqual(before.queries.executed + 8)
        expect(after.connections.created).toBeGreaterThanOrEqual(1)
        expect(during.currentState.activeConnections).toBe(1)
        expect(after.currentState.activeConnections).toBe(0)
        for (const uid of uids) expect(Object.keys(after.currentState.healthScores)).toContain(uid)
      } finally {
        await db.destroy()
      }
    })
  })
}

describe('knex on Sluice, postgres: searchPath and query cancelling', () => {
  const schema = 'sluice_knex_search_path'
  const admin = sluiceKnex('postgres', { min: 0, max: 1 })

  beforeAll(async () => {
    await admin.raw(`drop schema if exists ${schema} cascade`)
    await admin.raw(`create schema ${schema}`)
    await admin.schema.withSchema(schema).createTable('sp_items', (t) => t.integer('id'))
    await admin.withSchema(schema).table('sp_items').insert([{ id: 1 }, { id: 2 }])
  })
  afterAll(async () => {
    await admin.raw(`drop schema if exists ${schema} cascade`)
    await admin.destroy()
  })

  it('sets searchPath on every new connection, so unqualified tables resolve', async () => {
    const db = sluiceKnex('postgres', { min: 0, max: 2 }, { searchPath: [schema, 'public'] })
    try {
      const allIn = barrier(2)
      const seen = await Promise.all(
        [0, 1].map(() =>
          db.transaction(async (trx) => {
            await allIn()
            const counted = await trx('sp_items').count({ n: '*' }).first()
            return { n: Number(counted?.n), path: (await trx.raw('show search_path')).rows[0].search_path }
          }),
        ),
      )
      expect(seen).toEqual([
        { n: 2, path: `${schema}, public` },
        { n: 2, path: `${schema}, public` },
      ])
      expect(sluiceOf(db).stats().connections.created).toBe(2)
    } finally {
      await db.destroy()
    }
  })

  it('takes searchPath inside connection too', async () => {
    const db = knex({ client: SluicePg, connection: { connectionString: PG_URL, searchPath: schema } as never })
    try {
      expect(Number((await db('sp_items').count({ n: '*' }).first())?.n)).toBe(2)
    } finally {
      await db.destroy()
    }
  })

  it('sets searchPath again after a full reset, which clears it', async () => {
    const db = sluiceKnex('postgres', { min: 0, max: 1, resetOnRelease: 'full' }, { searchPath: schema })
    try {
      for (let i = 0; i < 3; i++) expect(Number((await db('sp_items').count({ n: '*' }).first())?.n)).toBe(2)
      expect(sluiceOf(db).stats().connections.created).toBe(1)
    } finally {
      await db.destroy()
    }
  })

  it("disposes a connection whose query hit Knex's .timeout(), and cancels instead with { cancel: true }", async () => {
    const db = sluiceKnex('postgres', { min: 0, max: 1 })
    try {
      await expect(db.raw('select pg_sleep(2)').timeout(50)).rejects.toThrow('Defined query timeout of 50ms exceeded when running query.')
      await vi.waitFor(() => expect(sluiceOf(db).stats().connections.recycled).toBe(1))
      const started = Date.now()
      await expect(db.raw('select pg_sleep(5)').timeout(100, { cancel: true })).rejects.toThrow('Defined query timeout of 100ms exceeded')
      await db.raw('select 1')
      expect(Date.now() - started).toBeLessThan(4_000)
      expect(sluiceOf(db).stats().connections.recycled).toBe(1)
    } finally {
      await db.destroy()
    }
  })
})

describe('knex on Sluice: configuration', () => {
  it('maps Knex/tarn pool names to Sluice options and passes Sluice names through', async () => {
    const db = sluiceKnex('sqlite', {
      idleTimeoutMillis: 1_234,
      reapIntervalMillis: 250,
      createRetryIntervalMillis: 50,
      maxConnectionLifetimeMillis: 60_000,
      healthCheckIntervalMillis: 5_000,
      max: 3,
    })
    try {
      expect(sluiceOf(db).config).toMatchObject({
        min: 1,
        max: 3,
        maxIdleMillis: 1_234,
        housekeepingIntervalMillis: 250,
        createRetryInitialMillis: 50,
        maxLifetimeMillis: 60_000,
        healthCheckIntervalMillis: 5_000,
        acquireTimeoutMillis: 60_000,
      })
    } finally {
      await db.destroy()
    }
  })

  it("sizes the pool with the Knex client's own defaults and takes acquireConnectionTimeout", async () => {
    const pg = sluiceKnex('postgres', {}, { acquireConnectionTimeout: 1_500 })
    const lite = sluiceKnex('sqlite', { acquireTimeoutMillis: 900 }, { acquireConnectionTimeout: 1_500 })
    try {
      expect(sluiceOf(pg).config).toMatchObject({ min: 2, max: 10, acquireTimeoutMillis: 1_500 })
      expect(sluiceOf(lite).config).toMatchObject({ min: 1, max: 1, acquireTimeoutMillis: 900 })
    } finally {
      await Promise.all([pg.destroy(), lite.destroy()])
    }
  })

  it('rejects unknown, unsupported and doubled pool keys, and unknown connection keys, by name', () => {
    expect(() => sluiceKnex('sqlite', { maxPoolSize: 3 } as never)).toThrow(/pool\.maxPoolSize = 3: unknown option; Knex names: afterCreate/)
    expect(() => sluiceKnex('sqlite', { validate: 'yes' } as never)).toThrow(/pool\.validate = "yes": must be a function/)
    expect(() => sluiceKnex('sqlite', { idleTimeoutMillis: 1, maxIdleMillis: 2 })).toThrow(/pool\.maxIdleMillis = 2: sets the same option as pool\.idleTimeoutMillis/)
    expect(() => sluiceKnex('sqlite', {}, { connection: { filename: ':memory:', flags: ['OPEN_URI'] } })).toThrow(/connection\.flags = an array: is not supported by Sluice's better-sqlite3 dialect/)
    expect(() => sluiceKnex('sqlite', {}, { connection: { filename: ':memory:', options: { nativeBinding: 'x' } } })).toThrow(/connection\.options\.nativeBinding/)
    expect(() => sluiceKnex('mysql', {}, { connection: { host: 'db', socketPath: '/tmp/x.sock' } })).toThrow(/connection\.socketPath = "<not shown>"/)
  })

  it('formats SQLite bindings as stock Knex does (booleans as 0/1, dates as epoch milliseconds)', async () => {
    const db = sluiceKnex('sqlite', {})
    try {
      await db.schema.dropTableIfExists('sluice_bindings')
      await db.schema.createTable('sluice_bindings', (t) => {
        t.boolean('flag')
        t.bigInteger('at')
      })
      await db('sluice_bindings').insert({ flag: true, at: new Date(86_400_000) })
      expect(await db('sluice_bindings').first()).toEqual({ flag: 1, at: 86_400_000 })
      await db.schema.dropTable('sluice_bindings')
    } finally {
      await db.destroy()
    }
  })
})
