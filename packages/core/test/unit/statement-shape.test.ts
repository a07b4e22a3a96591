import { describe, expect, it } from 'vitest'
import { describeStatement } from '../../src/sql/statement-shape.js'
import type { SqlFamily } from '../../src/sql/tokenize.js'

const pg = 'postgres' as const
const mysql = 'mysql' as const
const fingerprint = (sql: string, family: SqlFamily = pg): string => describeStatement(sql, family).fingerprint

describe('statement fingerprints', () => {
  it('turns literals and parameters into ?, whatever their style', () => {
    expect(fingerprint("SELECT * FROM users WHERE id = 42 AND name = 'bob'")).toBe('SELECT * FROM users WHERE id = ? AND name = ?')
    expect(fingerprint('SELECT * FROM users WHERE id = $1 AND name = $2')).toBe('SELECT * FROM users WHERE id = ? AND name = ?')
    expect(fingerprint('SELECT * FROM users WHERE id = ? AND name = ?', mysql)).toBe('SELECT * FROM users WHERE id = ? AND name = ?')
    expect(fingerprint("SELECT $tag$ it's $tag$, E'a\\'b', 1.5e3, x'ff'")).toBe('SELECT ?, ?, ?, ?')
  })

  it('reads the same whatever the whitespace, comments and keyword case', () => {
    const a = fingerprint('SELECT id FROM users WHERE id = $1')
    expect(fingerprint('select  id\n\tfrom users -- the hot one\n where id = $1')).toBe(a)
    expect(fingerprint('/* app:checkout */ SeLeCt id /* x */ FROM users WHERE id = 7')).toBe(a)
    expect(fingerprint('# mysql comment\nselect id from users where id = ?', mysql)).toBe(a)
  })

  it('folds IN-lists and multi-row VALUES of any length into one form', () => {
    const one = fingerprint('SELECT * FROM t WHERE id IN ($1)')
    expect(one).toBe('SELECT * FROM t WHERE id IN (...)')
    expect(fingerprint('SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5)')).toBe(one)
    expect(fingerprint('SELECT * FROM t WHERE id in (?, ?, NULL, -4)', mysql)).toBe(one)
    const insert = fingerprint('INSERT INTO t (a, b) VALUES ($1, $2)')
    expect(insert).toBe('INSERT INTO t (a, b) VALUES (...)')
    expect(fingerprint("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, DEFAULT)")).toBe(insert)
    // a list of columns or expressions is kept
    expect(fingerprint('SELECT * FROM t WHERE (a, b) IN ((1, 2))')).toBe('SELECT * FROM t WHERE (a, b) IN ((...))')
  })

  it('writes names lower-case, unquoted when plain, so ORM quoting does not split a pattern', () => {
    expect(fingerprint('select "u"."id" from "users" as "u" where "u"."id" = $1')).toBe('SELECT u.id FROM users AS u WHERE u.id = ?')
    expect(fingerprint('SELECT `id` FROM `Users` WHERE `id` = ?', mysql)).toBe('SELECT id FROM "Users" WHERE id = ?')
    expect(fingerprint('SELECT "Odd Name" FROM t')).toBe('SELECT "Odd Name" FROM t')
  })

  it('never holds a value: strings with secrets become ?', () => {
    const shape = describeStatement("UPDATE users SET password = 'hunter2' WHERE email = 'a@b.c'", pg)
    expect(shape.fingerprint).toBe('UPDATE users SET password = ? WHERE email = ?')
    expect(JSON.stringify(shape)).not.toContain('hunter2')
  })

  it('gives the operation and the tables, CTE names left out', () => {
    expect(describeStatement('SELECT * FROM a JOIN b ON a.id = b.a_id LEFT JOIN "C" c ON c.id = a.c', pg)).toMatchObject({ operation: 'SELECT', tables: ['a', 'b', 'c'], kind: 'read' })
    expect(describeStatement('select * from x, y as yy, s.z where 1 = 1', pg).tables).toEqual(['x', 'y', 's.z'])
    expect(describeStatement('INSERT INTO orders (a) VALUES (1)', pg)).toMatchObject({ operation: 'INSERT', tables: ['orders'], kind: 'write' })
    expect(describeStatement('UPDATE ONLY stock SET q = 1', pg)).toMatchObject({ operation: 'UPDATE', tables: ['stock'] })
    expect(describeStatement('DELETE FROM sessions WHERE t < now()', pg)).toMatchObject({ operation: 'DELETE', tables: ['sessions'] })
    expect(describeStatement('WITH r AS (SELECT * FROM orders) SELECT * FROM r JOIN users u ON u.id = r.u', pg)).toMatchObject({ operation: 'SELECT', tables: ['orders', 'users'] })
    expect(describeStatement('WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved', pg)).toMatchObject({ operation: 'INSERT', tables: ['a', 'b'], kind: 'write' })
    expect(describeStatement('SELECT * FROM (SELECT id FROM inner_t) sub', pg).tables).toEqual(['inner_t'])
    expect(describeStatement('BEGIN', pg)).toMatchObject({ operation: 'BEGIN', tables: [] })
  })

  it('does not trust a statement the tokenizer could not close', () => {
    expect(describeStatement("SELECT 'never ends", pg)).toEqual({ fingerprint: '(unterminated statement)', operation: 'OTHER', tables: [], kind: 'unknown' })
  })
})
