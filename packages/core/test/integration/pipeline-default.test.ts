import { describe, expect, it } from 'vitest'
import type { PoolOptions } from '../../src/config/pool-config.js'
import type { QueryResult } from '../../src/dialect.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { createPool } from '../../src/pool.js'
import { PG_URL, PGBOUNCER_URL } from '../support/databases.js'
import { seededRandom } from '../support/sim/workload.js'
import { selectedTargets } from '../support/targets.js'
import { wireCountedPools } from '../support/wire-counted-pools.js'

/**
 * Implicit pipelining as the PostgreSQL default (no `implicitPipelining`
 * option): against the real server, and behind PgBouncer in transaction
 * mode, through a TCP proxy that counts writes, Parse messages and
 * ReadyForQuery messages. Every pool here saturates (callers outnumber
 * connections), which is when statements are pipelined.
 */
const onPostgres = selectedTargets().some((t) => t.name === 'postgres')

/** What a caller sees of one statement: its result or its error, without the driver's raw object. */
type Outcome = { readonly ok: Omit<QueryResult, 'raw'> } | { readonly error: { readonly code: unknown; readonly message: unknown } }

async function outcome(running: Promise<QueryResult>): Promise<Outcome> {
  try {
    const { rows, affectedRows, command, fields } = await running
    return { ok: { rows, affectedRows, command, fields: fields?.map((f) => ({ name: f.name })) } }
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown }
    return { error: { code, message } }
  }
}

describe.runIf(onPostgres)('implicit pipelining by default on PostgreSQL', () => {
  const { counter, open } = wireCountedPools(PG_URL)

  it('is on without the option, and implicitPipelining: false turns it off', async () => {
    for (const [options, pipelined] of [[{}, true], [{ implicitPipelining: false }, false]] as const) {
      const pool = open({ max: 2, ...options })
      await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 1')])
      counter.reset()
      const values = await Promise.all(Array.from({ length: 40 }, (_, n) => pool.query<{ n: number }>('SELECT $1::int AS n', [n], { fetch: 'one' })))
      expect(values.map((v) => v?.n)).toEqual(Array.from({ length: 40 }, (_, n) => n))
      // one ReadyForQuery per statement either way; pipelined, several statements share a write
      expect(counter.readyForQuery).toBeGreaterThanOrEqual(40)
      if (pipelined) expect(counter.clientWrites).toBeLessThan(20)
      else expect(counter.clientWrites).toBeGreaterThanOrEqual(40)
    }
  })

  it('pipelined statements run under the statement cache\'s names: parsed once per connection, then Bind/Execute/Sync only', async () => {
    const pool = open({ max: 2 })
    const sql = 'SELECT $1::int AS n, $2::text AS caller'
    const round = (r: number) =>
      Promise.all(Array.from({ length: 64 }, (_, n) => pool.query<{ n: number; caller: string }>(sql, [n * 10 + r, `caller ${n}`], { fetch: 'one' })))
    // the first round names and parses the statement on each connection
    const first = await round(0)
    expect(first.map((v) => v?.n)).toEqual(Array.from({ length: 64 }, (_, n) => n * 10))
    counter.reset()
    for (let r = 1; r <= 3; r++) {
      const rows = await round(r)
      // each caller its own row
      expect(rows).toEqual(Array.from({ length: 64 }, (_, n) => ({ n: n * 10 + r, caller: `caller ${n}` })))
    }
    expect(counter.readyForQuery).toBeGreaterThanOrEqual(192)
    expect(counter.clientWrites).toBeLessThan(96)
    // no Parse at all: every statement bound the name its connection had prepared
    expect(counter.parses).toBe(0)
    const stats = pool.stats().statements
    expect(stats.hits).toBeGreaterThanOrEqual(192)
  })

  it('keeps at most statementCacheSize statements per connection, closing the evicted ones on the pipelined path', async () => {
    const pool = open({ max: 2 }, { statementCacheSize: 2 })
    const texts = [1, 2, 3, 4, 5].map((k) => `SELECT $1::int + ${k} AS n`)
    for (let round = 0; round < 4; round++) {
      const calls = Array.from({ length: 60 }, (_, n) => pool.query<{ n: number }>(texts[(n + round) % 5]!, [n], { fetch: 'one' }))
      expect((await Promise.all(calls)).map((v) => v?.n)).toEqual(Array.from({ length: 60 }, (_, n) => n + ((n + round) % 5) + 1))
    }
    expect(counter.closes).toBeGreaterThan(0)
    // every connection, each held at once: the server holds no more than the cache's capacity
    const held = await Promise.all([pool.acquire(), pool.acquire()])
    for (const connection of held) {
      const prepared = await connection.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements', [], { fetch: 'one' })
      expect(prepared?.n).toBeLessThanOrEqual(2)
      connection.release()
    }
  })

  it('a pipelined cached SELECT * over a table altered by another process is prepared again and sees the new column', async () => {
    const pool = open({ max: 2 })
    const other = open({ max: 1, implicitPipelining: false }, {}, PG_URL)
    await pool.query('DROP TABLE IF EXISTS pipe_plan')
    await pool.query('CREATE TABLE pipe_plan (id int PRIMARY KEY)')
    await pool.query('INSERT INTO pipe_plan SELECT generate_series(0, 39)')
    const select = () => Promise.all(Array.from({ length: 40 }, (_, n) => pool.query<Record<string, unknown>>('SELECT * FROM pipe_plan WHERE id = $1', [n], { fetch: 'one' })))
    await select()
    await select()
    // behind the pool's back: the schema epoch does not move, the server's plan no longer fits
    await other.query("ALTER TABLE pipe_plan ADD COLUMN extra text NOT NULL DEFAULT 'x'")
    const rows = await select()
    expect(rows).toEqual(Array.from({ length: 40 }, (_, n) => ({ id: n, extra: 'x' })))
    await other.query('DROP TABLE pipe_plan')
  })

  it('spreads a burst over the connections as they come free, rather than piling it on the first one', async () => {
    const pool = open({ max: 4 })
    await Promise.all(Array.from({ length: 4 }, () => pool.query('SELECT 1')))
    // 4 statements take the idle connections; the other 28 wait for connections, pipelined
    const rows = await Promise.all(
      Array.from({ length: 32 }, (_, n) => pool.query<{ pid: number; n: number }>('SELECT pg_backend_pid() AS pid, $1::int AS n FROM pg_sleep(0.02)', [n], { fetch: 'one' })),
    )
    expect(rows.map((row) => row?.n)).toEqual(Array.from({ length: 32 }, (_, n) => n))
    const perConnection = new Map<number, number>()
    for (const row of rows) perConnection.set(row!.pid, (perConnection.get(row!.pid) ?? 0) + 1)
    expect(perConnection.size).toBe(4)
    // 8 each when spread; one connection took 29 (and held up 28 behind one slow statement) when piled
    expect(Math.max(...perConnection.values())).toBeLessThanOrEqual(9)
  })

  it('keeps each caller\'s order behind a slow statement, and a failing statement fails only its own caller', async () => {
    const pool = open({ max: 1 })
    await pool.query('DROP TABLE IF EXISTS pipe_order')
    await pool.query('CREATE TABLE pipe_order (id serial PRIMARY KEY, caller int NOT NULL, seq int NOT NULL)')
    counter.reset()
    const slow = pool.query('SELECT pg_sleep(0.3)')
    // 12 callers, 5 statements each, every one sent after the caller has its previous answer; odd callers' third one fails
    const callers = Array.from({ length: 12 }, async (_, caller) => {
      const seen: Outcome[] = []
      for (let seq = 0; seq < 5; seq++) {
        const fails = caller % 2 === 1 && seq === 2
        const sql = fails ? 'INSERT INTO pipe_order (caller, seq) VALUES ($1, $2 / 0)' : 'INSERT INTO pipe_order (caller, seq) VALUES ($1, $2) RETURNING seq'
        seen.push(await outcome(pool.execute(sql, [caller, seq])))
      }
      return seen
    })
    const outcomes = await Promise.all(callers)
    await slow
    // pipelined on the one connection, behind the slow statement: fewer writes than statements
    expect(counter.clientWrites).toBeLessThan(61)
    outcomes.forEach((seen, caller) => {
      seen.forEach((o, seq) => {
        if (caller % 2 === 1 && seq === 2) expect(o).toMatchObject({ error: { code: '22012' } })
        else expect(o).toMatchObject({ ok: { rows: [{ seq }], affectedRows: 1 } })
      })
    })
    const rows = await pool.query<{ caller: number; seq: number }>('SELECT caller, seq FROM pipe_order ORDER BY id')
    for (let caller = 0; caller < 12; caller++) {
      const expected = [0, 1, 2, 3, 4].filter((seq) => caller % 2 === 0 || seq !== 2)
      // committed in the order the caller sent them
      expect(rows.filter((r) => r.caller === caller).map((r) => r.seq)).toEqual(expected)
    }
    await pool.query('DROP TABLE pipe_order')
  })

  it('differential: random reads, writes and errors give every caller the same results pipelined as with implicitPipelining: false', async () => {
    const CALLERS = 48
    const STATEMENTS = 14
    /** One caller's statements, drawn from its own seed: they touch only its own rows, so their results do not depend on the others. */
    const statements = (caller: number): Array<[string, unknown[] | undefined]> => {
      // seeded, so that both runs of the differential test draw the same statements
      const next = seededRandom(caller + 1)
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
      const own = (k: number) => caller * 1000 + k
      const list: Array<[string, unknown[] | undefined]> = []
      for (let i = 0; i < STATEMENTS; i++) {
        const key = own(Math.floor(next() * 4))
        const kind = pick(['insert', 'insert', 'update', 'select', 'delete', 'types', 'zero', 'syntax', 'plain', 'missing'] as const)
        if (kind === 'insert') list.push(['INSERT INTO pipe_diff (id, caller, v) VALUES ($1, $2, $3) RETURNING id, v', [key, caller, `v${i}`]])
        else if (kind === 'update') list.push(['UPDATE pipe_diff SET v = v || $2 WHERE id = $1 RETURNING v', [key, `+${i}`]])
        else if (kind === 'select') list.push(['SELECT id, v FROM pipe_diff WHERE caller = $1 ORDER BY id', [caller]])
        else if (kind === 'delete') list.push(['DELETE FROM pipe_diff WHERE id = $1', [key]])
        else if (kind === 'types') {
          const values = [String(Math.floor(next() * 1e9) / 1000), new Date(Date.UTC(2020, 0, 1) + Math.floor(next() * 1e10)).toISOString(), JSON.stringify({ caller, i }), [caller, i, null], next() < 0.5, next() < 0.2 ? null : `s'${i}"`]
          list.push(['SELECT $1::numeric AS n, $2::timestamptz AS t, $3::jsonb AS j, $4::int[] AS a, $5::bool AS b, $6::text AS s', values])
        } else if (kind === 'zero') list.push(['SELECT $1::int / ($1::int - $1::int) AS n', [caller]])
        else if (kind === 'syntax') list.push(['SELEC $1::int', [i]])
        else if (kind === 'missing') list.push(['SELECT * FROM pipe_diff_missing WHERE id = $1', [key]])
        else list.push([`SELECT ${caller} AS caller, 'plain' AS kind`, undefined])
      }
      return list
    }
    const runAll = async (options: Partial<PoolOptions>): Promise<Outcome[][]> => {
      const pool = open({ max: 3, ...options })
      await pool.query('DROP TABLE IF EXISTS pipe_diff')
      await pool.query('CREATE TABLE pipe_diff (id int PRIMARY KEY, caller int NOT NULL, v text NOT NULL)')
      counter.reset()
      const results = await Promise.all(
        Array.from({ length: CALLERS }, async (_, caller) => {
          const seen: Outcome[] = []
          for (const [sql, params] of statements(caller)) seen.push(await outcome(pool.execute(sql, params)))
          return seen
        }),
      )
      await pool.close()
      return results
    }
    const stock = await runAll({ implicitPipelining: false })
    const pipelined = await runAll({})
    // pipelined indeed: far fewer writes than statements
    expect(counter.clientWrites).toBeLessThan((CALLERS * STATEMENTS) / 2)
    expect(pipelined).toEqual(stock)
    // the draw covers successes and every kind of failure
    const flat = stock.flat()
    expect(flat.filter((o) => 'error' in o).length).toBeGreaterThan(20)
    expect(new Set(flat.flatMap((o) => ('error' in o ? [o.error.code] : [])))).toEqual(new Set(['23505', '22012', '42601', '42P01']))
    const admin = open({ max: 1 }, {}, PG_URL)
    await admin.query('DROP TABLE pipe_diff')
  })
})

describe.runIf(onPostgres)('implicit pipelining by default behind PgBouncer (transaction mode)', () => {
  const { counter, url, track } = wireCountedPools(PGBOUNCER_URL)
  // PgBouncer's database is shared with other suites: a table of this run's own
  const table = `pipe_bouncer_${process.pid}`

  for (const pooler of ['auto', 'transaction'] as const) {
    it(`pooler: '${pooler}': each statement with its own Sync, unnamed, every caller its own result, failures isolated, writes committed`, async () => {
      const dialect = postgres({ connectionString: url(), pooler })
      const pool = track(createPool({ dialect, min: 0, max: 4, log: () => {} }))
      await pool.query(`DROP TABLE IF EXISTS ${table}`)
      await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, caller int NOT NULL)`)
      await pool.query(`INSERT INTO ${table} VALUES (1000, -1)`)
      counter.reset()
      for (let round = 0; round < 3; round++) {
        const values = await Promise.all(Array.from({ length: 64 }, (_, n) => pool.query<{ n: number }>('SELECT $1::int AS n', [n * 3 + round], { fetch: 'one' })))
        expect(values.map((v) => v?.n)).toEqual(Array.from({ length: 64 }, (_, n) => n * 3 + round))
      }
      const writes = await Promise.allSettled(
        Array.from({ length: 48 }, (_, n) => pool.query(`INSERT INTO ${table} (id, caller) VALUES ($1, $2)`, [n % 4 === 0 ? 1000 : n, n], { fetch: 'none' })),
      )
      writes.forEach((s, n) => {
        if (n % 4 === 0) expect(s).toMatchObject({ status: 'rejected', reason: { code: '23505' } })
        else expect(s).toEqual({ status: 'fulfilled', value: { affectedRows: 1 } })
      })
      // pipelined (fewer writes than statements), one ReadyForQuery each, and never a named statement behind a transaction pooler
      expect(counter.clientWrites).toBeLessThan(240 / 2)
      expect(counter.readyForQuery).toBeGreaterThanOrEqual(240)
      expect(counter.namedParses).toBe(0)
      expect((dialect as { namedStatements?: boolean }).namedStatements).toBe(false)
      const rows = await pool.query<{ id: number }>(`SELECT id FROM ${table} WHERE id < 1000 ORDER BY id`)
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 48 }, (_, n) => n).filter((n) => n % 4 !== 0))
      await pool.query(`DROP TABLE ${table}`)
    })
  }
})
