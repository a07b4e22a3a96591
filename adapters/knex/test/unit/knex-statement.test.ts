import { describe, expect, it } from 'vitest'
import { knexStatement } from '../../src/knex-statement.js'

describe('knexStatement', () => {
  it("classifies a statement by the builder method Knex compiled it from", () => {
    expect(knexStatement({ sql: 'select * from "orders"', method: 'select' }).kind).toBe('unknown')
    expect(knexStatement({ sql: 'select * from "orders" limit ?', method: 'first' }).kind).toBe('unknown')
    expect(knexStatement({ sql: 'insert into "orders" ("id") values (?)', method: 'insert' }).kind).toBe('write')
    expect(knexStatement({ sql: 'update "stock" set "qty" = "qty" - ?', method: 'counter' }).kind).toBe('write')
    expect(knexStatement({ sql: 'delete from "orders"', method: 'del' }).kind).toBe('write')
    expect(knexStatement({ sql: 'select 1', method: 'raw' }).kind).toBe('unknown')
    expect(knexStatement({ sql: 'BEGIN;' }).kind).toBe('unknown')
  })

  it('counts a locking read with the writes', () => {
    expect(knexStatement({ sql: 'select * from "stock" where "id" in (?) for update', method: 'select' }).kind).toBe('write')
    expect(knexStatement({ sql: 'select * from `stock` lock in share mode', method: 'select' }).kind).toBe('write')
    expect(knexStatement({ sql: 'select * from "stock" for update skip locked', method: 'select' }).kind).toBe('write')
    expect(knexStatement({ sql: "select * from \"notes\" where \"text\" = 'for update'", method: 'select' }).kind).toBe('unknown')
  })

  it('carries the SQL, bindings and method through unchanged', () => {
    const bindings = [1, 'a']
    expect(knexStatement({ sql: 'select ?, ?', bindings, method: 'select' })).toEqual({ sql: 'select ?, ?', bindings, method: 'select', kind: 'unknown' })
  })
})
