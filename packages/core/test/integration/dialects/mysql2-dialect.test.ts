import { inspect } from 'node:util'
import mysql2 from 'mysql2'
import { createPool } from '../../../src/pool.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors/config-error.js'
import { Mysql2Dialect, mysql, type MysqlDialectConfig } from '../../../src/dialects/mysql2/index.js'
import { resolveMysqlConfig } from '../../../src/dialects/mysql2/mysql2-dialect-config.js'
import type { Mysql2Connection } from '../../../src/dialects/mysql2/mysql2-driver-types.js'
import { MYSQL_URL, TEST_PASSWORD } from '../../support/databases.js'
import { collect, rejection, until } from '../../support/promises.js'

const dialect = new Mysql2Dialect({ connectionString: MYSQL_URL })
const ITEMS = 'mydialect_items'

/** Anything that escapes to the process while a test runs fails that test. */
const escaped: unknown[] = []
const recordEscape = (error: unknown): void => {
  escaped.push(error)
}

async function withConnection<T>(fn: (raw: Mysql2Connection) => Promise<T>, using: Mysql2Dialect = dialect): Promise<T> {
  const raw = await using.connect()
  try {
    return await fn(raw)
  } finally {
    await using.close(raw)
  }
}

async function scalar(raw: Mysql2Connection, sql: string, params?: unknown[]): Promise<unknown> {
  const { rows } = await dialect.run(raw, sql, params, { rowMode: 'array' })
  return (rows[0] as unknown as unknown[] | undefined)?.[0]
}

async function connectionId(raw: Mysql2Connection): Promise<number> {
  return Number(await scalar(raw, 'SELECT CONNECTION_ID()'))
}

/** Kills a session from a second connection, as an operator would. */
async function kill(id: number): Promise<void> {
  await withConnection(async (admin) => {
    await dialect.run(admin, `KILL ${id}`, undefined, {})
  })
}

function configError(config: unknown): ConfigError {
  try {
    resolveMysqlConfig(config)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

async function countItems(raw: Mysql2Connection, name: string): Promise<number> {
  return Number(await scalar(raw, `SELECT COUNT(*) FROM ${ITEMS} WHERE name = ?`, [name]))
}

beforeAll(async () => {
  process.on('uncaughtException', recordEscape)
  process.on('unhandledRejection', recordEscape)
  await withConnection(async (raw) => {
    await dialect.run(raw, `DROP TABLE IF EXISTS ${ITEMS}`, undefined, {})
    await dialect.run(raw, `CREATE TABLE ${ITEMS} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE) ENGINE=InnoDB`, undefined, {})
  })
})

afterAll(async () => {
  await withConnection(async (raw) => {
    await dialect.run(raw, `DROP TABLE IF EXISTS ${ITEMS}`, undefined, {})
  })
  process.off('uncaughtException', recordEscape)
  process.off('unhandledRejection', recordEscape)
})

afterEach(async () => {
  // let late socket events fire before judging
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(escaped).toEqual([])
})

describe('mysql2 dialect: identity', () => {
  it('describes itself without the password', () => {
    expect(dialect.kind).toBe('mysql')
    // the test URL without its password (a helper may point the suite at a database of its own)
    expect(dialect.description).toBe(withoutPassword(MYSQL_URL))
    expect(dialect.defaultHealthCheckQuery).toBe('SELECT 1')
    expect(dialect.beginStatement).toBe('BEGIN')
    const parts = mysql({ host: '127.0.0.1', user: 'sluice', password: TEST_PASSWORD, database: 'sluice' })
    expect(parts.description).toBe('mysql://sluice@127.0.0.1:3306/sluice')
    expect(mysql({}).description).toBe('mysql://localhost:3306/')
    expect(inspect(parts, { showHidden: true, depth: 5 })).not.toContain(TEST_PASSWORD)
  })

  it('keeps the password off every enumerable property of the resolved config', () => {
    const resolved = resolveMysqlConfig({ connectionString: 'mariadb://app:p%40ss@[::1]:3307/shop' })
    expect(resolved.password).toBe('p@ss')
    expect(resolved.user).toBe('app')
    expect(resolved.host).toBe('::1')
    expect(resolved.port).toBe(3307)
    expect(resolved.database).toBe('shop')
    expect(Object.keys(resolved)).not.toContain('password')
    expect(JSON.stringify(resolved)).not.toContain('p@ss')
    expect(resolved.connectTimeoutMillis).toBe(10_000)
    expect(Object.isFrozen(resolved)).toBe(true)
  })
})

describe('mysql2 dialect: config validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['dialect.port', { port: 0 }, 'must be an integer from 1 to 65535'],
    ['dialect.port', { port: '3306' }, 'must be an integer from 1 to 65535'],
    ['dialect.host', { host: '' }, 'must be a non-empty string'],
    ['dialect.user', { user: 7 }, 'must be a string'],
    ['dialect.connectTimeoutMillis', { connectTimeoutMillis: 0 }, 'must be an integer >= 1'],
    ['dialect.timezone', { timezone: 'Europe/Paris' }, "must be 'local', 'Z' or an offset like '+02:00'"],
    ['dialect.supportBigNumbers', { supportBigNumbers: 'yes' }, 'must be a boolean'],
    ['dialect.dateStrings', { dateStrings: ['TIME'] }, "must be a boolean or an array of 'TIMESTAMP', 'DATETIME', 'DATE'"],
    ['dialect.typeCast', { typeCast: 'auto' }, 'must be a boolean or a function (field, next) => value'],
    ['dialect.ssl', { ssl: 1 }, 'must be a boolean, a mysql2 SSL profile name or an object of TLS options'],
    ['dialect.driver', { driver: {} }, "must be the mysql2 module (import mysql2 from 'mysql2'), not mysql2/promise"],
  ]
  it.each(cases)('names %s', (field, config, rule) => {
    const error = configError(config)
    expect(error.field).toBe(field)
    expect(error.message).toContain(`invalid option ${field} = `)
    expect(error.message).toContain(rule)
  })

  it('never prints the password, whatever is wrong', () => {
    const errors = [
      configError({ password: 12345 }),
      configError({ connectionString: `postgres://sluice:${TEST_PASSWORD}@127.0.0.1/sluice` }),
      configError({ connectionString: `mysql://sluice:${TEST_PASSWORD}@127.0.0.1/sluice?ssl=true` }),
      configError({ connectionString: MYSQL_URL, host: 'elsewhere' }),
      configError({ connectionString: MYSQL_URL, password: TEST_PASSWORD }),
      configError({ pasword: TEST_PASSWORD }),
      configError({ host: '127.0.0.1', password: TEST_PASSWORD, port: -1 }),
    ]
    expect(errors.map((error) => error.field)).toEqual([
      'dialect.password',
      'dialect.connectionString',
      'dialect.connectionString',
      'dialect.host',
      'dialect.password',
      'dialect.pasword',
      'dialect.port',
    ])
    for (const error of errors) {
      expect(error.message).not.toContain(TEST_PASSWORD)
      expect(inspect(error)).not.toContain(TEST_PASSWORD)
    }
    expect(errors[1]?.message).toBe('Sluice: invalid option dialect.connectionString = <redacted>: must be a mysql:// or mariadb:// URL')
  })

  it('rejects unknown keys by name, and a multipleStatements that is not a boolean', () => {
    const error = configError({ multiStatements: true })
    expect(error.field).toBe('dialect.multiStatements')
    expect(error.message).toContain('is not a mysql dialect option')
    expect(configError({ multipleStatements: 'yes' }).field).toBe('dialect.multipleStatements')
    expect(() => mysql({ connectionString: MYSQL_URL, poolSize: 3 } as unknown as MysqlDialectConfig)).toThrow(ConfigError)
  })
})

describe('mysql2 dialect: run', () => {
  it('binds parameters and reports rows and fields', async () => {
    await withConnection(async (raw) => {
      const result = await dialect.run(raw, 'SELECT ? + ? AS total, CONCAT(?, ?) AS label', [2, 3, 'a', "'; DROP TABLE x; --"], {})
      expect(result.rows).toEqual([{ total: 5, label: "a'; DROP TABLE x; --" }])
      expect(result.fields).toEqual([{ name: 'total' }, { name: 'label' }])
      expect(result.affectedRows).toBeUndefined()
      expect(Array.isArray(result.raw)).toBe(true)
      expect((result.raw as unknown[])[0]).toEqual([{ total: 5, label: "a'; DROP TABLE x; --" }])
    })
  })

  it('reports affectedRows and insertId for writes', async () => {
    await withConnection(async (raw) => {
      const insert = await dialect.run(raw, `INSERT INTO ${ITEMS} (name) VALUES (?), (?)`, ['run-a', 'run-b'], {})
      expect(insert.rows).toEqual([])
      expect(insert.affectedRows).toBe(2)
      const firstId = Number(await scalar(raw, `SELECT id FROM ${ITEMS} WHERE name = 'run-a'`))
      expect(insert.insertId).toBe(firstId)
      const [header, fields] = insert.raw as [{ affectedRows: number }, unknown]
      expect(header.affectedRows).toBe(2)
      expect(fields).toBeUndefined()
      const update = await dialect.run(raw, `UPDATE ${ITEMS} SET name = CONCAT(name, '!') WHERE name IN (?, ?)`, ['run-a', 'run-b'], {})
      expect(update.affectedRows).toBe(2)
      expect(update.insertId).toBe(0)
      const removed = await dialect.run(raw, `DELETE FROM ${ITEMS} WHERE name LIKE 'run-%'`, undefined, {})
      expect(removed.affectedRows).toBe(2)
    })
  })

  it('pings with the health-check statement', async () => {
    await withConnection(async (raw) => {
      await expect(dialect.ping(raw, 'SELECT 1')).resolves.toBeUndefined()
      const error = await rejection(dialect.ping(raw, 'SELEC 1'))
      expect((error as { code?: string }).code).toBe('ER_PARSE_ERROR')
    })
  })

  it('takes the first result set of a CALL as its rows', async () => {
    await withConnection(async (raw) => {
      await dialect.run(raw, 'DROP PROCEDURE IF EXISTS mydialect_proc', undefined, {})
      await dialect.run(raw, 'CREATE PROCEDURE mydialect_proc(IN x INT) SELECT x AS a, x * 2 AS b', undefined, {})
      try {
        await dialect.run(raw, 'BEGIN', undefined, {})
        const result = await dialect.run(raw, 'CALL mydialect_proc(?)', [4], {})
        expect(result.rows).toEqual([{ a: 4, b: 8 }])
        expect(result.fields).toEqual([{ name: 'a' }, { name: 'b' }])
        expect(result.affectedRows).toBe(0)
        // the trailing OK packet carries the status flags
        expect(dialect.inTransaction(raw)).toBe(true)
        await dialect.run(raw, 'ROLLBACK', undefined, {})
      } finally {
        await dialect.run(raw, 'DROP PROCEDURE IF EXISTS mydialect_proc', undefined, {})
      }
    })
  })

  it('passes driver options through', async () => {
    const tuned = new Mysql2Dialect({ connectionString: MYSQL_URL, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' })
    await withConnection(async (raw) => {
      const { rows } = await tuned.run(raw, "SELECT DATE('2024-01-02') AS d, CAST(9007199254740993 AS SIGNED) AS big", undefined, {})
      expect(rows).toEqual([{ d: '2024-01-02', big: '9007199254740993' }])
    }, tuned)
    const cast = new Mysql2Dialect({ connectionString: MYSQL_URL, typeCast: (field, next) => (field.name === 'shout' ? String(field.string()).toUpperCase() : next()) })
    await withConnection(async (raw) => {
      expect((await cast.run(raw, "SELECT 'hi' AS shout, 'hi' AS quiet", undefined, {})).rows).toEqual([{ shout: 'HI', quiet: 'hi' }])
    }, cast)
  })

  it('refuses several statements in one query by default, as mysql2 does', async () => {
    await withConnection(async (raw) => {
      expect(await rejection(dialect.run(raw, 'SELECT 1; SELECT 2', undefined, {}))).toMatchObject({ code: 'ER_PARSE_ERROR' })
    })
  })

  it('with multipleStatements, runs them and answers as mysql2 does', async () => {
    const multi = new Mysql2Dialect({ connectionString: MYSQL_URL, multipleStatements: true })
    const stock = await mysql2.createConnection({ uri: MYSQL_URL, multipleStatements: true })
    const sql = `SELECT ? AS a; INSERT INTO ${ITEMS} (name) VALUES ('multi'); SELECT 2 AS b, 3 AS c; DELETE FROM ${ITEMS} WHERE name = 'multi'`
    try {
      const [expected] = await stock.promise().query(sql, [1])
      await withConnection(async (raw) => {
        const result = await multi.run(raw, sql, [1], {})
        const [results, fields] = result.raw as [unknown[], unknown[]]
        // one answer per statement, each as the stock connection gives it (insert ids aside)
        expect(results).toHaveLength(4)
        expect(results[0]).toEqual([{ a: 1 }])
        expect(results[1]).toMatchObject({ affectedRows: 1 })
        expect(results[2]).toEqual([{ b: 2, c: 3 }])
        expect(results[3]).toMatchObject({ affectedRows: 1 })
        expect(fields).toHaveLength(4)
        expect((expected as unknown[]).map((part) => (Array.isArray(part) ? part : 'header'))).toEqual(results.map((part) => (Array.isArray(part) ? part : 'header')))
        // the engine's own view: the first result set's rows
        expect(result.rows).toEqual([{ a: 1 }])
        expect(await countItems(raw, 'multi')).toBe(0)
      }, multi)
    } finally {
      await stock.end()
    }
  })

  it("takes a statement's own typeCast (mysql2's per-query option), over the dialect's, and through the pool", async () => {
    const shout = (field: { name: string; string(): string | null }, next: () => unknown) => (field.name === 'shout' ? String(field.string()).toUpperCase() : next())
    const sql = "SELECT 'hi' AS shout, 'hi' AS quiet, CAST(? AS SIGNED) AS n"
    await withConnection(async (raw) => {
      expect((await dialect.run(raw, sql, [3], { typeCast: shout })).rows).toEqual([{ shout: 'HI', quiet: 'hi', n: 3 }])
      // prepared statements would ignore it: the statement goes on the text protocol
      expect((await dialect.run(raw, sql, [3], { typeCast: shout, prepare: true })).rows).toEqual([{ shout: 'HI', quiet: 'hi', n: 3 }])
      expect((await dialect.run(raw, sql, [3], {})).rows).toEqual([{ shout: 'hi', quiet: 'hi', n: 3 }])
    })
    const pool = createPool({ dialect: new Mysql2Dialect({ connectionString: MYSQL_URL }), min: 0, max: 1, log: false })
    try {
      expect(await pool.query(sql, [4], { typeCast: shout })).toEqual([{ shout: 'HI', quiet: 'hi', n: 4 }])
      expect(await pool.withConnection((conn) => conn.query(sql, [5], { typeCast: false, fetch: 'one' }))).toMatchObject({ shout: expect.any(Buffer) as Buffer })
    } finally {
      await pool.close()
    }
  })

  it('uses a driver module it is given', async () => {
    const shared = new Mysql2Dialect({ connectionString: MYSQL_URL, driver: mysql2 })
    await withConnection(async (raw) => {
      expect(raw).toBeInstanceOf(mysql2.Connection)
      expect((await shared.run(raw, 'SELECT 41 + 1 AS n', undefined, {})).rows).toEqual([{ n: 42 }])
    }, shared)
  })
})

describe('mysql2 dialect: isFatal', () => {
  it('classifies driver error shapes', () => {
    const error = (fields: Record<string, unknown>): Error => Object.assign(new Error('x'), fields)
    expect(dialect.isFatal(error({ fatal: true }))).toBe(true)
    expect(dialect.isFatal(error({ code: 'PROTOCOL_CONNECTION_LOST' }))).toBe(true)
    expect(dialect.isFatal(error({ code: 'ECONNRESET', errno: -104 }))).toBe(true)
    expect(dialect.isFatal(error({ code: 'EPIPE' }))).toBe(true)
    expect(dialect.isFatal(error({ code: 'ER_SERVER_SHUTDOWN', errno: 1053 }))).toBe(true)
    expect(dialect.isFatal(error({ errno: 1927, message: 'Connection was killed' }))).toBe(true)
    expect(dialect.isFatal(new Error("Can't add new command when connection is in closed state"))).toBe(true)
    expect(dialect.isFatal(error({ code: 'ER_QUERY_INTERRUPTED', errno: 1317 }))).toBe(false)
    expect(dialect.isFatal(error({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }))).toBe(false)
    expect(dialect.isFatal(error({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }))).toBe(false)
    expect(dialect.isFatal('Connection lost')).toBe(false)
    expect(dialect.isFatal(undefined)).toBe(false)
  })

  it('a connection killed while idle reports the loss and then fails fatally', async () => {
    const raw = await dialect.connect()
    const lost: Error[] = []
    dialect.watch(raw, (error) => lost.push(error))
    await kill(await connectionId(raw))
    await until(() => lost.length > 0, 'onLost')
    expect(dialect.isFatal(lost[0])).toBe(true)
    const error = await rejection(dialect.run(raw, 'SELECT 1', undefined, {}))
    expect(dialect.isFatal(error)).toBe(true)
    const pingError = await rejection(dialect.ping(raw, 'SELECT 1'))
    expect(dialect.isFatal(pingError)).toBe(true)
    const started = Date.now()
    await dialect.close(raw)
    await dialect.close(raw)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('a connection killed mid-query fails that query fatally and at once', async () => {
    const raw = await dialect.connect()
    const lost: Error[] = []
    dialect.watch(raw, (error) => lost.push(error))
    const id = await connectionId(raw)
    const started = Date.now()
    const sleeping = rejection(dialect.run(raw, 'SELECT SLEEP(5)', undefined, {}))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await kill(id)
    const error = await sleeping
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(dialect.isFatal(error)).toBe(true)
    await until(() => lost.length > 0, 'onLost')
    expect(dialect.isFatal(await rejection(dialect.run(raw, 'SELECT 1', undefined, {})))).toBe(true)
    await dialect.close(raw)
  })

  it('KILL QUERY fails only the statement', async () => {
    await withConnection(async (raw) => {
      const id = await connectionId(raw)
      const sleeping = rejection(dialect.run(raw, 'SELECT SLEEP(5) FROM seq_1_to_2', undefined, {}))
      await new Promise((resolve) => setTimeout(resolve, 300))
      await withConnection(async (admin) => {
        await dialect.run(admin, `KILL QUERY ${id}`, undefined, {})
      })
      const error = await sleeping
      expect((error as { errno?: number }).errno).toBe(1317)
      expect(dialect.isFatal(error)).toBe(false)
      expect(await scalar(raw, 'SELECT 8')).toBe(8)
    })
  })
})

describe('mysql2 dialect: connect failures', () => {
  it('rejects with a fatal error for a closed port, with nothing unhandled', async () => {
    const closed = mysql({ host: '127.0.0.1', port: 1, user: 'sluice', password: TEST_PASSWORD })
    const error = await rejection(closed.connect())
    expect((error as { code?: string }).code).toBe('ECONNREFUSED')
    expect(closed.isFatal(error)).toBe(true)
  })

  it('rejects a wrong password without echoing it', async () => {
    const wrong = mysql({ connectionString: MYSQL_URL.replace(TEST_PASSWORD, 'not-the-password') })
    const error = await rejection(wrong.connect())
    expect((error as { code?: string }).code).toBe('ER_ACCESS_DENIED_ERROR')
    expect(String((error as Error).message)).not.toContain('not-the-password')
  })

  it('gives up within connectTimeoutMillis on a server that never answers', async () => {
    // a TCP listener that accepts and stays silent, as a stuck proxy would
    const { createServer } = await import('node:net')
    const sockets: Array<{ destroy(): void }> = []
    const server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const silent = mysql({ host: '127.0.0.1', port, connectTimeoutMillis: 300 })
      const started = Date.now()
      const error = await rejection(silent.connect())
      expect(Date.now() - started).toBeLessThan(2_000)
      expect((error as { code?: string }).code).toBe('ETIMEDOUT')
      expect(silent.isFatal(error)).toBe(true)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('mysql2 dialect: transactions and reset', () => {
  it('inTransaction follows BEGIN and COMMIT', async () => {
    await withConnection(async (raw) => {
      expect(dialect.inTransaction(raw)).toBe(false)
      await dialect.run(raw, 'SELECT 1', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(false)
      await dialect.run(raw, dialect.beginStatement, undefined, {})
      expect(dialect.inTransaction(raw)).toBe(true)
      await dialect.run(raw, 'SELECT 1', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(true)
      await dialect.run(raw, `INSERT INTO ${ITEMS} (name) VALUES ('tx-commit')`, undefined, {})
      expect(dialect.inTransaction(raw)).toBe(true)
      await dialect.run(raw, 'COMMIT', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(false)
      await dialect.run(raw, 'START TRANSACTION', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(true)
      // an error may end a transaction unseen (deadlock victim): the state becomes unknown
      await rejection(dialect.run(raw, 'SELEC 1', undefined, {}))
      expect(dialect.inTransaction(raw)).toBeUndefined()
      await dialect.run(raw, 'ROLLBACK', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(false)
      expect(await countItems(raw, 'tx-commit')).toBe(1)
    })
  })

  it('with autocommit off, a read may open a transaction: unknown until an OK packet says', async () => {
    await withConnection(async (raw) => {
      await dialect.run(raw, 'SET autocommit = 0', undefined, {})
      expect(dialect.inTransaction(raw)).toBe(false)
      await dialect.run(raw, `SELECT COUNT(*) FROM ${ITEMS}`, undefined, {})
      expect(dialect.inTransaction(raw)).toBeUndefined()
      await dialect.run(raw, `INSERT INTO ${ITEMS} (name) VALUES ('implicit-tx')`, undefined, {})
      expect(dialect.inTransaction(raw)).toBe(true)
      await dialect.reset(raw, { full: false })
      expect(dialect.inTransaction(raw)).toBe(false)
      expect(await countItems(raw, 'implicit-tx')).toBe(0)
    })
  })

  it('reset rolls back an open transaction', async () => {
    await withConnection(async (raw) => {
      await dialect.run(raw, 'BEGIN', undefined, {})
      await dialect.run(raw, `INSERT INTO ${ITEMS} (name) VALUES ('tx-reset')`, undefined, {})
      expect(await countItems(raw, 'tx-reset')).toBe(1)
      await dialect.reset(raw, { full: false })
      expect(dialect.inTransaction(raw)).toBe(false)
      expect(await countItems(raw, 'tx-reset')).toBe(0)
      await withConnection(async (other) => {
        expect(await countItems(other, 'tx-reset')).toBe(0)
      })
    })
  })

  it('a full reset clears session state and rolls back', async () => {
    await withConnection(async (raw) => {
      const id = await connectionId(raw)
      await dialect.run(raw, 'SET @x = 1', undefined, {})
      await dialect.run(raw, 'SET SESSION max_recursive_iterations = 123', undefined, {})
      await dialect.run(raw, 'CREATE TEMPORARY TABLE mydialect_temp (n INT)', undefined, {})
      await dialect.run(raw, 'SET NAMES latin1', undefined, {})
      await dialect.run(raw, 'BEGIN', undefined, {})
      await dialect.run(raw, `INSERT INTO ${ITEMS} (name) VALUES ('tx-full-reset')`, undefined, {})
      expect(await scalar(raw, 'SELECT @x')).toBe(1)

      await dialect.reset(raw, { full: true })

      expect(dialect.inTransaction(raw)).toBe(false)
      expect(await connectionId(raw)).toBe(id)
      expect(await scalar(raw, 'SELECT @x')).toBeNull()
      expect(await scalar(raw, 'SELECT @@SESSION.max_recursive_iterations = @@GLOBAL.max_recursive_iterations')).toBe(1)
      expect((await rejection(dialect.run(raw, 'SELECT * FROM mydialect_temp', undefined, {})) as { code?: string }).code).toBe('ER_NO_SUCH_TABLE')
      expect(await countItems(raw, 'tx-full-reset')).toBe(0)
      // the driver encodes SQL in the charset the server went back to
      expect(await scalar(raw, "SELECT 'é€'")).toBe('é€')
    })
  })
})

describe('mysql2 dialect: close and watch', () => {
  it('close is safe twice and does not report our own QUIT as a loss', async () => {
    const raw = await dialect.connect()
    const lost: Error[] = []
    dialect.watch(raw, (error) => lost.push(error))
    await dialect.close(raw)
    await dialect.close(raw)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(lost).toEqual([])
    expect(dialect.isFatal(await rejection(dialect.run(raw, 'SELECT 1', undefined, {})))).toBe(true)
  })

  it('close during a running statement gives up politely and destroys', async () => {
    const raw = await dialect.connect()
    const sleeping = rejection(dialect.run(raw, 'SELECT SLEEP(4)', undefined, {}))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    await dialect.close(raw)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(dialect.isFatal(await sleeping)).toBe(true)
  })
})

describe('mysql2 dialect: stream', () => {
  it('a stream on a connection killed under it fails fatally instead of hanging', async () => {
    const raw = await dialect.connect()
    dialect.watch(raw, () => {})
    const id = await connectionId(raw)
    let count = 0
    const error = await rejection(
      (async () => {
        // large rows, so that the server is still sending when the kill lands
        for await (const row of dialect.stream(raw, "SELECT seq, REPEAT('x', 500) AS pad FROM seq_1_to_5000000", undefined, { chunkSize: 50 })) {
          expect(row.seq).toBe(++count)
          if (count === 100) await kill(id)
        }
      })(),
    )
    expect(count).toBeGreaterThanOrEqual(100)
    expect(count).toBeLessThan(5_000_000)
    expect(dialect.isFatal(error)).toBe(true)
    expect(dialect.isFatal(await rejection(collect(dialect.stream(raw, 'SELECT 1', undefined, { chunkSize: 1 }))))).toBe(true)
    await dialect.close(raw)
  })

  it('a failing streamed statement rejects and leaves the connection usable', async () => {
    await withConnection(async (raw) => {
      const error = await rejection(collect(dialect.stream(raw, 'SELECT * FROM mydialect_no_such_table', undefined, { chunkSize: 10 })))
      expect((error as { code?: string }).code).toBe('ER_NO_SUCH_TABLE')
      expect(dialect.isFatal(error)).toBe(false)
      expect(await scalar(raw, 'SELECT 9')).toBe(9)
    })
  })
})

function withoutPassword(url: string): string {
  const parsed = new URL(url)
  parsed.password = ''
  return parsed.toString()
}
