/**
 * What every dialect promises the engine, checked on each database in one
 * loop over TARGETS. Where the databases differ (placeholders, error codes,
 * how to count to 10 000), a table per target says so; what only one dialect
 * does stays in its own file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../../src/dialect.js'
import { rejection } from '../../support/promises.js'
import { selectedTargets, type Target } from '../../support/targets.js'

interface Contract {
  /** A statement with two bound parameters whose rows come back as arrays. */
  readonly arrays: { readonly sql: string; readonly params: unknown[]; readonly rows: unknown[][]; readonly fields: string[] }
  /** Statements that fail as statements (in order, after a row 'dup' exists), with the driver's code for each; `code` undefined: must succeed. */
  readonly statementErrors: ReadonlyArray<{ readonly sql: string; readonly code?: string }>
  /** Counts from 1 to `$1` (one bound parameter), one row `{ [column]: n }` each. */
  readonly counter: { readonly sql: string; readonly column: string; readonly prepare?: string }
}

const TABLE = 'contract_items'

const CONTRACTS: Record<Target['name'], Contract> = {
  postgres: {
    arrays: { sql: "SELECT 1 AS a, 'x' AS b, $1::int AS c, $2::text AS d", params: [3, 'y'], rows: [[1, 'x', 3, 'y']], fields: ['a', 'b', 'c', 'd'] },
    statementErrors: [
      { sql: 'SELEC 1', code: '42601' },
      { sql: `INSERT INTO ${TABLE} (id, name) VALUES (1, 'dup')`, code: '23505' },
      { sql: 'SELECT 1 / 0', code: '22012' },
      { sql: 'SET statement_timeout = 50' },
      { sql: 'SELECT pg_sleep(2)', code: '57014' },
      { sql: 'RESET statement_timeout' },
    ],
    counter: { sql: 'SELECT n FROM generate_series(1, $1::int) AS n', column: 'n' },
  },
  mysql: {
    arrays: { sql: 'SELECT 1 AS a, ? AS b UNION ALL SELECT 2, ?', params: ['x', 'y'], rows: [[1, 'x'], [2, 'y']], fields: ['a', 'b'] },
    statementErrors: [
      { sql: 'SELEC 1', code: 'ER_PARSE_ERROR' },
      { sql: `INSERT INTO ${TABLE} (id, name) VALUES (2, 'dup')`, code: 'ER_DUP_ENTRY' },
      { sql: 'SELECT * FROM contract_no_such_table', code: 'ER_NO_SUCH_TABLE' },
    ],
    counter: {
      sql: 'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM s WHERE n < ?) SELECT n FROM s',
      column: 'n',
      // MariaDB's max_recursive_iterations (1000 on this server) bounds the CTE
      prepare: 'SET SESSION max_recursive_iterations = 1000000',
    },
  },
  sqlite: {
    arrays: { sql: 'SELECT ? AS a, ? AS b UNION ALL SELECT 3, 4', params: [1, 'x'], rows: [[1, 'x'], [3, 4]], fields: ['a', 'b'] },
    statementErrors: [
      { sql: 'SELEC 1', code: 'SQLITE_ERROR' },
      { sql: `INSERT INTO ${TABLE} (id, name) VALUES (2, 'dup')`, code: 'SQLITE_CONSTRAINT_UNIQUE' },
      { sql: `INSERT INTO ${TABLE} (id, name) VALUES (3, NULL)`, code: 'SQLITE_CONSTRAINT_NOTNULL' },
    ],
    counter: { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c', column: 'x' },
  },
}

for (const target of selectedTargets()) {
  const contract = CONTRACTS[target.name]
  describe(`${target.name} dialect: the contract`, () => {
    const dialect: Dialect<any> = target.dialect()

    async function withConnection<T>(fn: (raw: unknown) => Promise<T>): Promise<T> {
      const raw = await dialect.connect()
      try {
        return await fn(raw)
      } finally {
        await dialect.close(raw)
      }
    }

    beforeAll(async () => {
      await withConnection(async (raw) => {
        await dialect.run(raw, `DROP TABLE IF EXISTS ${TABLE}`, undefined, {})
        await dialect.run(raw, `CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)`, undefined, {})
      })
    })
    afterAll(async () => {
      await withConnection((raw) => dialect.run(raw, `DROP TABLE IF EXISTS ${TABLE}`, undefined, {}))
      await dialect.end?.()
    })

    it("binds parameters and returns rows as arrays with rowMode 'array', and objects again after", async () => {
      await withConnection(async (raw) => {
        const { sql, params, rows, fields } = contract.arrays
        const result = await dialect.run(raw, sql, params, { rowMode: 'array' })
        expect(result.rows).toEqual(rows)
        expect(result.fields?.map((field) => field.name)).toEqual(fields)
        expect((await dialect.run(raw, 'SELECT 1 AS a', undefined, {})).rows).toEqual([{ a: 1 }])
      })
    })

    it('tells errors of the statement from fatal ones, and the connection goes on', async () => {
      await withConnection(async (raw) => {
        await dialect.run(raw, `INSERT INTO ${TABLE} (id, name) VALUES (1, 'dup')`, undefined, {})
        const codes: Array<string | undefined> = []
        for (const { sql, code } of contract.statementErrors) {
          if (code === undefined) {
            await dialect.run(raw, sql, undefined, {})
            continue
          }
          const error = await rejection(dialect.run(raw, sql, undefined, {}))
          codes.push((error as { code?: string }).code)
          expect(dialect.isFatal(error)).toBe(false)
        }
        expect(codes).toEqual(contract.statementErrors.filter((step) => step.code !== undefined).map((step) => step.code))
        for (const notAnError of [new Error('x'), 'text', undefined, null]) expect(dialect.isFatal(notAnError)).toBe(false)
        expect((await dialect.run(raw, 'SELECT 41 + 1 AS n', undefined, {})).rows).toEqual([{ n: 42 }])
        await dialect.run(raw, `DELETE FROM ${TABLE}`, undefined, {})
      })
    })

    it('streams every row of a 10 000-row result, with a bound parameter', async () => {
      const { sql, column, prepare } = contract.counter
      await withConnection(async (raw) => {
        if (prepare) await dialect.run(raw, prepare, undefined, {})
        let count = 0
        let sum = 0
        let last: unknown
        for await (const row of dialect.stream!(raw, sql, [10_000], { chunkSize: 100 })) {
          count++
          sum += Number(row[column])
          last = row
        }
        expect(count).toBe(10_000)
        expect(sum).toBe((10_000 * 10_001) / 2)
        expect(last).toEqual({ [column]: 10_000 })
        expect(dialect.inTransaction?.(raw)).toBe(false)
      })
    })

    it('ends a stream the consumer breaks early, and the connection runs the next statements with the right results', async () => {
      const { sql, column, prepare } = contract.counter
      await withConnection(async (raw) => {
        if (prepare) await dialect.run(raw, prepare, undefined, {})
        const seen: unknown[] = []
        for await (const row of dialect.stream!(raw, sql, [100_000], { chunkSize: 10 })) {
          seen.push(row[column])
          if (seen.length === 5) break
        }
        expect(seen.map(Number)).toEqual([1, 2, 3, 4, 5])
        expect(dialect.inTransaction?.(raw)).toBe(false)
        // an unfinished statement would refuse a write (SQLite) or answer out of turn
        await dialect.run(raw, `INSERT INTO ${TABLE} (id, name) VALUES (7, 'after the break')`, undefined, {})
        expect((await dialect.run(raw, `SELECT name FROM ${TABLE} WHERE id = 7`, undefined, {})).rows).toEqual([{ name: 'after the break' }])
        const again: unknown[] = []
        for await (const row of dialect.stream!(raw, sql, [3], { chunkSize: 10 })) again.push(Number(row[column]))
        expect(again).toEqual([1, 2, 3])
        await dialect.run(raw, `DELETE FROM ${TABLE}`, undefined, {})
      })
    })
  })
}
