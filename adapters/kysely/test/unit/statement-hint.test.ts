import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
import type { Compilable } from 'kysely'
import { describe, expect, it } from 'vitest'
import { executeOptions, statementKind } from '../../src/driver/statement-hint.js'

interface DB {
  orders: { id: number; total: number }
}

// compiles only: a Kysely on a driver that never connects
const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

const kindOf = (query: Compilable) => statementKind(query.compile().query)

describe('statementKind', () => {
  it('leaves a plain select to the engine, which also checks the functions it calls', () => {
    expect(kindOf(db.selectFrom('orders').selectAll().where('id', '=', 1))).toBe('unknown')
    expect(kindOf(db.with('big', (qb) => qb.selectFrom('orders').selectAll().where('total', '>', 100)).selectFrom('big').selectAll())).toBe('unknown')
  })

  it('calls a locking select a write, since it must run where writes run', () => {
    expect(kindOf(db.selectFrom('orders').selectAll().forUpdate())).toBe('write')
    expect(kindOf(db.selectFrom('orders').selectAll().forShare().skipLocked())).toBe('write')
  })

  it('calls a select over a data-modifying CTE a write', () => {
    const query = db
      .with('removed', (qb) => qb.deleteFrom('orders').where('total', '=', 0).returning('id'))
      .selectFrom('removed')
      .selectAll()
    expect(kindOf(query)).toBe('write')
  })

  it('calls inserts, updates, deletes, merges and schema changes writes', () => {
    expect(kindOf(db.insertInto('orders').values({ id: 1, total: 2 }))).toBe('write')
    expect(kindOf(db.updateTable('orders').set({ total: 3 }))).toBe('write')
    expect(kindOf(db.deleteFrom('orders'))).toBe('write')
    expect(kindOf(db.mergeInto('orders as o').using('orders as p', 'o.id', 'p.id').whenMatched().thenDelete())).toBe('write')
    expect(kindOf(db.schema.createTable('t').addColumn('id', 'integer'))).toBe('write')
    expect(kindOf(db.schema.dropTable('t'))).toBe('write')
  })

  it('leaves raw SQL to the engine', () => {
    expect(statementKind(sql`select 1`.compile(db).query)).toBe('unknown')
  })
})

describe('executeOptions', () => {
  it("passes Kysely's knowledge on as the engine's routing hint, and nothing for raw SQL", () => {
    expect(executeOptions(db.selectFrom('orders').selectAll().compile())).toBeUndefined()
    expect(executeOptions(db.deleteFrom('orders').compile())).toEqual({ hint: 'write' })
    expect(executeOptions(sql`select 1`.compile(db))).toBeUndefined()
  })
})
