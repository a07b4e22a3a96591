import { describe, expect, it } from 'vitest'
import { transactionEffect } from '../../src/sql/transaction-effect.js'

describe('transactionEffect', () => {
  it.each([
    ['BEGIN', 'begin'],
    ['  begin isolation level serializable', 'begin'],
    ['START TRANSACTION', 'begin'],
    ['start transaction read only', 'begin'],
    ['COMMIT', 'end'],
    ['end', 'end'],
    ['ABORT', 'end'],
    ['ROLLBACK', 'end'],
    ['ROLLBACK TO SAVEPOINT a', 'none'],
    ['/* hint */ COMMIT', 'end'],
    ['-- note\nBEGIN', 'begin'],
    ['SELECT 1', 'none'],
    ['SET x = 1', 'none'],
    ['SHOW x', 'none'],
    ['INSERT INTO t VALUES (1)', 'none'],
    ['RELEASE SAVEPOINT a', 'none'],
    ['CREATE TABLE t (a int)', 'none'],
    ['', 'none'],
  ])('%j -> %s', (sql, effect) => {
    expect(transactionEffect(sql)).toBe(effect)
  })
})
