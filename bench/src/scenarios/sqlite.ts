import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool, sqlite as sqliteDialect } from '@sluice/core'
import { POOL_MAX, expectedBalance, randomAccountId } from '../config.js'
import { createSqliteFixture, openDirect } from '../contenders/better-sqlite3.js'
import { formatRatio } from '../harness/format.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

type Op = 'point' | 'insert'

/** Issue 15: a point select through the pool at no less than 0.7x of the synchronous call it wraps. */
const POINT_TARGET = 0.7

export const sqliteScenario: Scenario = {
  name: 'sqlite',
  title: 'SQLite: point selects and inserts',
  summary: 'point selects and inserts on a file in tmp: Sluice (sqlite dialect) vs better-sqlite3 used directly',
  defaults: { rounds: 3, seconds: 1, loads: ['quiet', 'busy'] },
  async run(context: ScenarioContext) {
    const filename = join(tmpdir(), `sluice-bench-${process.pid}.db`)
    createSqliteFixture(filename)
    const pool = createPool({ dialect: sqliteDialect({ filename }), max: POOL_MAX, log: false })
    await pool.ready()
    const direct = openDirect(filename)
    let sequence = 0
    const sluiceOps = {
      point: () => pool.query('SELECT * FROM bench_accounts WHERE id = ?', [randomAccountId()]),
      insert: () => pool.query('INSERT INTO bench_items (name, qty) VALUES (?, ?)', [`item-${++sequence}`, sequence % 100], { fetch: 'none' }),
    }
    // async, as application code calling it from a request handler would be; the call inside is synchronous
    const directOps = {
      point: async () => direct.point(randomAccountId()),
      insert: async () => direct.insert(`item-${++sequence}`, sequence % 100),
    }
    const checks = {
      sluice: async () => {
        const rows = await pool.query<{ id: number; balance: number }>('SELECT * FROM bench_accounts WHERE id = ?', [4242])
        if (rows.length !== 1 || rows[0]!.balance !== expectedBalance(4242)) throw new Error(`point select returned ${JSON.stringify(rows)}`)
        const written = await pool.query('INSERT INTO bench_items (name, qty) VALUES (?, ?)', ['check', 7], { fetch: 'none' })
        if (written.affectedRows !== 1 || written.insertId === undefined) throw new Error(`insert returned ${JSON.stringify(written)}`)
        const back = await pool.query<{ name: string }>('SELECT name FROM bench_items WHERE id = ?', [written.insertId])
        if (back[0]?.name !== 'check') throw new Error(`inserted row read back as ${JSON.stringify(back)}`)
      },
      direct: async () => {
        const rows = direct.point(4242) as Array<{ balance: number }>
        if (rows.length !== 1 || rows[0]!.balance !== expectedBalance(4242)) throw new Error(`point select returned ${JSON.stringify(rows)}`)
        const info = direct.insert('check', 7)
        if (info.changes !== 1) throw new Error(`insert changed ${info.changes} rows`)
      },
    }
    const cases: CaseResult[] = []
    try {
      for (const op of ['point', 'insert'] as Op[]) {
        for (const concurrency of context.concurrencies([1, 16])) {
          const contenders: Contender[] = [
            { name: 'Sluice', role: 'sluice', check: checks.sluice, measure: (o) => closedLoop(sluiceOps[op], o) },
            ...context.select<Contender>([{ name: 'better-sqlite3 direct', role: 'ceiling', check: checks.direct, measure: (o) => closedLoop(directOps[op], o) }]),
          ]
          cases.push(
            ...(await context.runCase({
              id: `sqlite-${op}@${concurrency}`,
              label: `${op === 'point' ? 'point select' : 'insert'}, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
              concurrency,
              unit: op === 'point' ? 'queries' : 'inserts',
              contenders,
            })),
          )
        }
      }
    } finally {
      direct.close()
      await pool.close()
      for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true })
    }
    const ratioOf = (c: CaseResult): number | undefined => c.ratios.find((r) => r.peer === 'better-sqlite3 direct')?.median
    const points = cases.filter((c) => c.id.startsWith('sqlite-point'))
    const inserts = cases.filter((c) => c.id.startsWith('sqlite-insert'))
    const list = (of: readonly CaseResult[]): string => of.map((c) => `${c.label}: ${formatRatio(ratioOf(c) ?? Number.NaN)}`).join('; ')
    return context.result({
      name: this.name,
      title: this.title,
      description:
        '`SELECT * FROM bench_accounts WHERE id = ?` (10,000 rows) and `INSERT INTO bench_items (name, qty) VALUES (?, ?)` on a WAL database file in the temp directory. ' +
        `Sluice: \`pool.query()\` on the sqlite dialect, max ${POOL_MAX}. better-sqlite3 direct: one handle, statements prepared once, the same pragmas, called from an async function. ` +
        'Direct use is synchronous and cannot be beaten by any pool on top of it; the ratio says what the pool costs.',
      cases,
      targets: [
        {
          target: `SQLite point select through Sluice ≥ ${POINT_TARGET}x better-sqlite3 used directly, quiet and busy`,
          met: points.length === 0 || points.some((c) => ratioOf(c) === undefined) ? undefined : points.every((c) => ratioOf(c)! >= POINT_TARGET),
          detail: list(points),
        },
        { target: 'SQLite inserts vs better-sqlite3 used directly (informational)', met: undefined, detail: list(inserts) },
      ],
    })
  },
}
