import { describe, expect, it } from 'vitest'
import { classifyStatement } from '../../src/sql/classify-statement.js'

const pg = (sql: string) => classifyStatement(sql, { backslashEscapes: false })
const my = (sql: string) => classifyStatement(sql, { backslashEscapes: true })

describe('classifyStatement', () => {
  it.each([
    'SELECT 1',
    'select * from users where id = $1',
    '  /* leading comment */ SELECT count(*) FROM orders',
    '-- report\nSELECT status, COUNT(*) AS n, SUM(total_cents) FROM demo_orders GROUP BY status',
    'WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval \'1 day\') SELECT * FROM recent',
    'SELECT u.id, (SELECT max(o.id) FROM orders o WHERE o.user_id = u.id) FROM users u WHERE u.id IN (1, 2, 3)',
    "SELECT 'FOR UPDATE; DELETE FROM users' AS text",
    'SELECT "update", "insert" FROM "delete"',
    'SELECT coalesce(a, b)::numeric(10, 2), to_char(now(), \'YYYY\') FROM t',
    'SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t',
    'SELECT $tag$ INSERT INTO x $tag$',
    'SELECT EXISTS (SELECT 1 FROM t WHERE x = ANY ($1))',
    'SHOW server_version',
    'EXPLAIN SELECT * FROM t',
    'VALUES (1, 2)',
    'SELECT 1;',
    'SELECT pg_catalog.count(*) FROM t',
  ])('reads: %s', (sql) => {
    expect(pg(sql)).toBe('read')
  })

  it.each([
    ['INSERT INTO t VALUES (1)', 'write'],
    ['update t set a = 1', 'write'],
    ['DELETE FROM t', 'write'],
    ['SELECT * FROM t FOR UPDATE', 'write'],
    ['SELECT * FROM t FOR NO KEY UPDATE', 'write'],
    ['SELECT * FROM t FOR SHARE SKIP LOCKED', 'write'],
    ['SELECT * FROM t FOR KEY SHARE', 'write'],
    ['SELECT * FROM t LOCK IN SHARE MODE', 'write'],
    ['SELECT * INTO new_table FROM t', 'write'],
    ['WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved', 'write'],
    ['WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM x', 'write'],
    ['SELECT nextval(\'orders_id_seq\')', 'unknown'],
    ['SELECT pg_advisory_lock(1)', 'unknown'],
    ['SELECT my_function_with_side_effects()', 'unknown'],
    ['SELECT "quoted_func"()', 'unknown'],
    ['SELECT 1; DELETE FROM t', 'unknown'],
    ['SELECT \'unterminated', 'unknown'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'unknown'],
    ['BEGIN', 'write'],
    ['SET search_path = x', 'write'],
    ['CREATE TABLE t (id int)', 'write'],
    ['/* SELECT */ DELETE FROM t', 'write'],
    ['CALL do_things()', 'write'],
    ['', 'unknown'],
  ])('primary: %s -> %s', (sql, kind) => {
    expect(pg(sql)).toBe(kind)
  })

  it('follows MySQL syntax: backslash escapes, # comments, backticks, GET_LOCK', () => {
    expect(my("SELECT 'it\\'s FOR UPDATE' FROM t")).toBe('read')
    expect(my('# comment\nSELECT `update` FROM `t`')).toBe('read')
    expect(my('SELECT GET_LOCK(\'x\', 10)')).toBe('unknown')
    expect(my('SELECT * FROM t INTO OUTFILE \'/tmp/x\'')).toBe('write')
    expect(my('SELECT @a := 1')).toBe('unknown')
    // standard strings on PostgreSQL: the backslash does not escape, so the quote closes
    expect(pg("SELECT 'C:\\' FROM t FOR UPDATE")).toBe('write')
    expect(my("SELECT 'C:\\' FROM t FOR UPDATE")).toBe('unknown')
  })
})
