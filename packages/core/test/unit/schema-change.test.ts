import { describe, expect, it } from 'vitest'
import { changesSchema } from '../../src/sql/schema-change.js'
import { SchemaEpoch } from '../../src/statements/schema-epoch.js'

const pg = { backslashEscapes: false }

describe('changesSchema', () => {
  it('finds CREATE, ALTER, DROP and DO at the start of any statement of the text', () => {
    for (const sql of [
      'CREATE TABLE t (x int)',
      '  alter table t add column y int',
      'DROP TYPE mood',
      "DO $$ BEGIN CREATE TYPE mood AS ENUM ('a'); END $$",
      '/* migration */ CREATE INDEX i ON t (x)',
      '-- up\nDROP TABLE t',
      'INSERT INTO log VALUES (1); ALTER TABLE t ADD COLUMN z int',
      'SELECT 1;\n  drop view v;',
    ]) {
      expect(changesSchema(sql, pg), sql).toBe(true)
    }
  })

  it('leaves data statements and words inside literals, comments or names alone', () => {
    for (const sql of [
      'SELECT * FROM t',
      'INSERT INTO t (note) VALUES ($1)',
      "UPDATE t SET note = 'DROP TABLE t; CREATE TABLE x'",
      'DELETE FROM "create" WHERE id = 1',
      'TRUNCATE t',
      'COMMIT',
      'SELECT 1; SELECT 2',
      "INSERT INTO t VALUES ('a;'); -- ; DROP TABLE t",
      'WITH dropped AS (SELECT 1) SELECT * FROM dropped',
    ]) {
      expect(changesSchema(sql, pg), sql).toBe(false)
    }
  })
})

describe('SchemaEpoch', () => {
  it('moves on DDL, and again when the transaction that ran it ends', () => {
    const epoch = new SchemaEpoch<object>()
    const a = {}
    const b = {}
    epoch.observe(a, false, false)
    expect(epoch.value).toBe(0)
    epoch.observe(a, true, false)
    expect(epoch.value).toBe(1)
    epoch.observe(a, true, true) // DDL inside a transaction
    expect(epoch.value).toBe(2)
    epoch.observe(b, false, false) // another connection's statements change nothing
    epoch.observe(a, false, true) // still in the transaction
    expect(epoch.value).toBe(2)
    epoch.observe(a, false, false) // COMMIT
    expect(epoch.value).toBe(3)
    epoch.observe(a, false, false)
    epoch.transactionEnded(a)
    expect(epoch.value).toBe(3)
  })

  it('a reset that ends the transaction counts as its end', () => {
    const epoch = new SchemaEpoch<object>()
    const a = {}
    epoch.observe(a, true, true)
    epoch.transactionEnded(a)
    expect(epoch.value).toBe(2)
  })
})
