import { describe, expect, it } from 'vitest'
import { analyzeStatement, classifyStatement } from '../../src/sql/classify-statement.js'
import type { FunctionCall } from '../../src/sql/function-call.js'

const pg = (sql: string) => classifyStatement(sql, 'postgres')
const my = (sql: string) => classifyStatement(sql, 'mysql')
const lite = (sql: string) => classifyStatement(sql, 'sqlite')

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
    'SELECT n FROM generate_series(1, 3) AS g(n)',
    'WITH t(a, b) AS (SELECT 1, 2), u(c) AS (SELECT 3) SELECT * FROM t, u',
    'SELECT substring(name FROM 1 FOR 2) FROM t',
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
    ['SELECT * FROM (SELECT * FROM t FOR SHARE) s', 'write'],
    ['WITH l AS (SELECT * FROM t FOR KEY SHARE) SELECT * FROM l', 'write'],
    ['SELECT * FROM t LOCK IN SHARE MODE', 'write'],
    ['SELECT * INTO new_table FROM t', 'write'],
    ['WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved', 'write'],
    ['WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM x', 'write'],
    ['SELECT nextval(\'orders_id_seq\')', 'unknown'],
    ['SELECT setval(\'orders_id_seq\', 10)', 'unknown'],
    ['SELECT pg_advisory_lock(1)', 'unknown'],
    ['SELECT pg_try_advisory_xact_lock(1)', 'unknown'],
    ['SELECT my_function_with_side_effects()', 'unknown'],
    ['SELECT "quoted_func"()', 'unknown'],
    ['SELECT * FROM f() AS (a int)', 'unknown'],
    ['SELECT 1; DELETE FROM t', 'unknown'],
    ['SELECT \'unterminated', 'unknown'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'write'],
    ['EXPLAIN DELETE FROM t', 'unknown'],
    ['BEGIN', 'write'],
    ['SET search_path = x', 'write'],
    ['CREATE TABLE t (id int)', 'write'],
    ['/* SELECT */ DELETE FROM t', 'write'],
    ['CALL do_things()', 'write'],
    ['ANALYZE t', 'write'],
    ['', 'unknown'],
  ])('primary: %s -> %s', (sql, kind) => {
    expect(pg(sql)).toBe(kind)
  })

  it('follows MySQL syntax: backslash escapes, # comments, backticks, GET_LOCK', () => {
    expect(my("SELECT 'C:\\\\' FROM t")).toBe('read')
    expect(my('# comment\nSELECT `update` FROM `t`')).toBe('read')
    expect(my('SELECT GET_LOCK(\'x\', 10)')).toBe('unknown')
    expect(my('SELECT * FROM t INTO OUTFILE \'/tmp/x\'')).toBe('write')
    expect(my('SELECT @a := 1')).toBe('unknown')
    expect(my('DESC t')).toBe('read')
    expect(my('EXPLAIN FORMAT=JSON SELECT 1')).toBe('read')
    expect(my('ANALYZE SELECT 1')).toBe('write')
    // a backslash before a quote: where the string ends depends on a server setting, so neither reading is trusted
    expect(pg("SELECT 'C:\\' FROM t FOR UPDATE")).toBe('unknown')
    expect(pg("SELECT 'C:\\' FROM t")).toBe('unknown')
    expect(pg("SELECT 'C:\\dir' FROM t")).toBe('read')
    expect(my("SELECT 'C:\\' FROM t FOR UPDATE")).toBe('unknown')
  })

  it('distrusts a backslash-escaped quote in MySQL: NO_BACKSLASH_ESCAPES would end the string there', () => {
    // with escapes one string; without them a string, a lock and a comment
    expect(my("SELECT 'a\\' FOR UPDATE -- '")).toBe('unknown')
    expect(my("SELECT 'it\\'s' FROM t")).toBe('unknown')
    expect(my('SELECT "it\\"s" FROM t')).toBe('unknown')
    // doubled quotes and other escapes end the string in the same place either way
    expect(my("SELECT 'it''s', 'a\\nb', '\\\\' FROM t")).toBe('read')
  })

  it('follows SQLite syntax: [brackets] and backticks are identifiers, block comments do not nest', () => {
    expect(lite('SELECT [update], `delete` FROM [for]')).toBe('read')
    expect(lite('SELECT 1 /* /* */ FROM t')).toBe('read')
    expect(lite("SELECT 'it''s' FROM t")).toBe('read')
  })
})

/** Issue 10, first bullet: the tokenizer hid locks and writes. One test per defect. */
describe('issue 10 regressions: tokenizer', () => {
  it("PostgreSQL's # is an operator, not a comment: #>> hides no FOR UPDATE", () => {
    expect(pg("SELECT doc #>> '{a,b}' FROM t FOR UPDATE")).toBe('write')
  })

  it("PostgreSQL's #- is an operator: it hides no nextval()", () => {
    expect(pg("SELECT doc #- '{a}', nextval('s') FROM t")).toBe('unknown')
  })

  it("PostgreSQL's bitwise xor # hides no FOR SHARE", () => {
    expect(pg('SELECT 5 # 3 FROM t FOR SHARE')).toBe('write')
    expect(pg('SELECT 5 # 3 FROM t')).toBe('read')
  })

  it('PostgreSQL dollar-quote tags may hold digits and underscores', () => {
    expect(pg('SELECT $q1$ FOR UPDATE $q1$ FROM t')).toBe('read')
    expect(pg('SELECT $q_1$ x $q_1$ FROM t FOR UPDATE')).toBe('write')
    // $1 is a parameter, not the start of a dollar quote
    expect(pg('SELECT $1 FROM t FOR UPDATE')).toBe('write')
    expect(pg('SELECT $1, $2 FROM t')).toBe('read')
  })

  it('PostgreSQL block comments nest', () => {
    expect(pg('SELECT 1 /* outer /* inner */ FOR UPDATE */ FROM t')).toBe('read')
    expect(pg('SELECT 1 /* outer /* inner */ still */ FROM t FOR UPDATE')).toBe('write')
  })

  it("PostgreSQL E'' strings take backslash escapes", () => {
    expect(pg("SELECT E'it\\'s' FROM t FOR UPDATE")).toBe('write')
    expect(pg("SELECT E'\\' FOR UPDATE' FROM t")).toBe('read')
  })

  it('MySQL executable comments /*! ... */ hold code', () => {
    expect(my('SELECT * FROM t /*! FOR UPDATE */')).toBe('write')
    expect(my('SELECT * FROM t /*!50000 FOR UPDATE */')).toBe('write')
    expect(my('SELECT * FROM t /*!50000 LOCK IN SHARE MODE */')).toBe('write')
  })

  it("MariaDB's executable comments /*M! ... */ hold code", () => {
    expect(my('SELECT * FROM t /*M! FOR UPDATE */')).toBe('write')
    expect(my('SELECT * FROM t /*M!100100 FOR UPDATE */')).toBe('write')
  })

  it('a quote in a version-gated comment is read neither way', () => {
    expect(my("SELECT 1 /*!99999 ' */ FOR UPDATE -- ' */")).toBe('unknown')
  })

  it('MySQL -- is a comment only before whitespace: v--1 is arithmetic', () => {
    expect(my('SELECT v--1 FROM t FOR UPDATE')).toBe('write')
    expect(my('SELECT v-- comment\nFROM t')).toBe('read')
    // on PostgreSQL -- always starts a comment
    expect(pg('SELECT 1--1 FOR UPDATE\nFROM t')).toBe('read')
  })

  it('MySQL block comments do not nest', () => {
    expect(my('SELECT 1 /* a /* b */ FROM t FOR UPDATE')).toBe('write')
  })

  it("MySQL's # is a comment", () => {
    expect(my('SELECT 1 FROM t # FOR UPDATE')).toBe('read')
  })
})

/** Issue 10, second bullet: the classifier sent writes to replicas and missed reads. */
describe('issue 10 regressions: classifier', () => {
  it('EXPLAIN ANALYSE (British) of a DELETE is a write', () => {
    expect(pg('EXPLAIN ANALYSE DELETE FROM t')).toBe('write')
    expect(pg('explain analyse verbose delete from t')).toBe('write')
  })

  it('EXPLAIN (ANALYSE) and EXPLAIN (ANALYZE true, ...) of a write are writes', () => {
    expect(pg('EXPLAIN (ANALYSE) DELETE FROM t')).toBe('write')
    expect(pg('EXPLAIN (ANALYZE true, FORMAT json) UPDATE t SET a = 1')).toBe('write')
    expect(pg('EXPLAIN (ANALYZE, BUFFERS) WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d')).toBe('write')
    expect(pg("EXPLAIN ANALYZE SELECT nextval('s')")).toBe('write')
    expect(pg('EXPLAIN (ANALYZE) SELECT * FROM t')).toBe('read')
  })

  it('EXPLAIN ANALYZE SELECT of a volatile function is not a read', () => {
    const judge = (call: FunctionCall) => (call.name === 'bump' ? 'unsafe' : undefined)
    expect(classifyStatement('EXPLAIN ANALYZE SELECT bump()', 'postgres', judge)).toBe('unknown')
  })

  it('a schema-qualified user function that shares a built-in name is not the built-in', () => {
    expect(pg("SELECT myschema.lower('x')")).toBe('unknown')
    expect(pg("SELECT lower('x')")).toBe('read')
    expect(pg("SELECT pg_catalog.lower('x')")).toBe('read')
    expect(pg("SELECT \"myschema\".\"lower\"('x')")).toBe('unknown')
    const [call] = analyzeStatement("SELECT myschema.lower('x')", 'postgres').calls
    expect(call).toEqual({ schema: 'myschema', name: 'lower', builtin: undefined })
    expect(my("SELECT mydb.lower('x')")).toBe('unknown')
  })

  it('parenthesised set operations are reads', () => {
    expect(pg('(SELECT 1) UNION (SELECT 2)')).toBe('read')
    expect(pg('((SELECT a FROM t) EXCEPT (SELECT a FROM u)) ORDER BY 1')).toBe('read')
    expect(pg('(SELECT 1) UNION (SELECT a FROM t FOR UPDATE)')).toBe('write')
  })
})

/** Issue 10, third bullet: statements that read session state must not be sent to a replica. */
describe('issue 10 regressions: session state', () => {
  it.each(["SELECT currval('s')", 'SELECT lastval()', 'SELECT txid_current()'])('PostgreSQL %s is not a read', (sql) => {
    expect(pg(sql)).toBe('unknown')
  })

  it.each(['SELECT LAST_INSERT_ID()', 'SELECT last_insert_id() AS id', 'SELECT FOUND_ROWS()', 'SELECT @@last_insert_id', 'SELECT @@session.identity'])('MySQL %s is not a read', (sql) => {
    expect(my(sql)).toBe('unknown')
  })
})

describe('function judges', () => {
  it('a judge decides the calls the classifier does not know; built-ins it knows stay decided without one', () => {
    const judge = (call: FunctionCall) => (call.name === 'stable_fn' ? 'safe' : undefined)
    expect(classifyStatement('SELECT stable_fn(1) FROM t', 'postgres', judge)).toBe('read')
    expect(classifyStatement('SELECT other_fn(1) FROM t', 'postgres', judge)).toBe('unknown')
    expect(classifyStatement('SELECT stable_fn(1) FROM t FOR UPDATE', 'postgres', judge)).toBe('write')
  })
})
