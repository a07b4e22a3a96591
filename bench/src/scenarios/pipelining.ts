import type { Pool } from '@sluice/core'
import { PG_URL, POOL_MAX, randomAccountId } from '../config.js'
import { pgPoolApi } from '../contenders/pg.js'
import { pgbenchContender } from '../contenders/pgbench.js'
import { sluicePgApi } from '../contenders/sluice.js'
import { checkAccount, ensurePgAccounts, type Account } from '../fixtures/accounts.js'
import { formatRatio } from '../harness/format.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { median } from '../harness/stats.js'
import type { CaseResult, Contender, MeasureOptions, Sample, TargetResult } from '../harness/types.js'

/** Statements per batch in the one-caller cases. */
const BATCH = 100
/** Callers in the implicit-pipelining case. */
const CALLERS = 64
/** The issue's target for implicit pipelining against pg.Pool on SELECT 1 at 64 callers. */
const IMPLICIT_TARGET = 1.3
const TABLE = 'bench_pipeline_items'
const INSERT = `INSERT INTO ${TABLE} (name, qty) VALUES ($1, $2)`
const POINT = 'SELECT * FROM bench_accounts WHERE id = $1'
const SELECT_1 = 'SELECT 1 AS one'
/** The guard's statement: every caller must get its own number back, so an answer handed to the wrong caller shows. */
const ECHO = 'SELECT $1::int AS n'

/** The two columns every case shares: Sluice pipelined (the numerator of every ratio) and Sluice not pipelined. */
const PIPELINED = 'Sluice, pipelined'
const NOT_PIPELINED = 'Sluice, not pipelined'

// ---- one caller, a batch of 100 statements ---------------------------------------

/** One batch: BATCH statements, either awaited one by one or as one `sequential` pipeline. */
interface BatchWork {
  readonly insert: (tag: string) => Promise<void>
  readonly select: () => Promise<void>
}

function oneByOne(pool: Pool): BatchWork {
  return {
    insert: async (tag) => {
      for (let i = 0; i < BATCH; i++) {
        const written = await pool.query(INSERT, [tag, i], { fetch: 'none' })
        if (written.affectedRows !== 1) throw new Error(`INSERT ${i} affected ${written.affectedRows} rows`)
      }
    },
    select: async () => {
      for (let i = 0; i < BATCH; i++) {
        const id = randomAccountId()
        checkAccount(id, await pool.query<Account>(POINT, [id]))
      }
    },
  }
}

function pipelined(pool: Pool): BatchWork {
  // what an application writes: a pipeline per batch, every statement added at once, then close() for the report
  const run = async <R>(statements: ReadonlyArray<readonly [string, readonly unknown[]]>, verify: (index: number, rows: readonly R[], affected: number | undefined) => void): Promise<void> => {
    const pipe = pool.pipeline({ batchSize: BATCH, strategy: 'sequential' })
    const adds = statements.map(([sql, params]) => pipe.add<R>(sql, params))
    const report = await pipe.close()
    if (report.succeeded !== statements.length || report.batches !== 1) {
      const failure = report.items.find((item) => item.status !== 'ok')
      throw new Error(`pipeline: ${report.succeeded}/${statements.length} succeeded in ${report.batches} batches${failure ? `; #${failure.index} ${failure.status}: ${String(failure.error)}` : ''}`)
    }
    const results = await Promise.all(adds)
    results.forEach((result, i) => verify(i, result.rows, result.affectedRows))
  }
  return {
    insert: (tag) =>
      run(
        Array.from({ length: BATCH }, (_, i) => [INSERT, [tag, i]] as const),
        (i, _rows, affected) => {
          if (affected !== 1) throw new Error(`pipelined INSERT ${i} affected ${affected} rows`)
        },
      ),
    select: () => {
      const ids = Array.from({ length: BATCH }, () => randomAccountId())
      return run<Account>(
        ids.map((id) => [POINT, [id]] as const),
        (i, rows) => checkAccount(ids[i]!, rows),
      )
    },
  }
}

/** Counts statements, not batches: BATCH per completed batch. */
function batchMeasure(op: () => Promise<void>): (options: MeasureOptions) => Promise<Sample> {
  return async (options) => {
    const sample = await closedLoop(op, options)
    return { ...sample, ops: sample.ops * BATCH }
  }
}

function batchContenders(pool: Pool, what: 'insert' | 'select'): Contender[] {
  let checks = 0
  const contender = (name: string, role: Contender['role'], work: BatchWork): Contender => ({
    name,
    role,
    check:
      what === 'insert'
        ? async () => {
            // keeps the table small, and proves a batch lands whole and in order
            await pool.query(`TRUNCATE ${TABLE}`)
            const tag = `check-${++checks}`
            await work.insert(tag)
            const rows = await pool.query<{ qty: number }>(`SELECT qty FROM ${TABLE} WHERE name = $1 ORDER BY id`, [tag])
            if (rows.length !== BATCH || rows.some((row, i) => row.qty !== i)) {
              throw new Error(`${BATCH} INSERTs left ${rows.length} rows, quantities ${rows.slice(0, 5).map((r) => r.qty).join(', ')}...`)
            }
          }
        : () => work.select(),
    measure: batchMeasure(what === 'insert' ? () => work.insert('measured') : () => work.select()),
  })
  return [contender(PIPELINED, 'sluice', pipelined(pool)), contender(NOT_PIPELINED, 'peer', oneByOne(pool))]
}

// ---- many callers, implicit pipelining -------------------------------------------

/**
 * A contender looping on SELECT 1. Its guard sends `concurrency` different
 * numbers at once (so the pool is saturated and implicit pipelining is in
 * play) and each caller must get its own number back.
 */
function select1Contender(name: string, role: Contender['role'], select1: () => Promise<ReadonlyArray<Record<string, unknown>>>, echo: (n: number) => Promise<unknown>): Contender {
  return {
    name,
    role,
    check: async () => {
      const one = await select1()
      if (one.length !== 1 || Number(one[0]?.one) !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(one)}`)
      const answers = await Promise.all(Array.from({ length: CALLERS }, (_, n) => echo(n)))
      const wrong = answers.findIndex((answer, n) => Number(answer) !== n)
      if (wrong !== -1) throw new Error(`caller ${wrong} of ${CALLERS} got ${String(answers[wrong])} back`)
    },
    measure: (options) => closedLoop(select1, options),
  }
}

export const pipeliningScenario: Scenario = {
  name: 'pipelining',
  title: 'PostgreSQL pipelining: batches and implicit pipelining',
  summary: `${BATCH} INSERTs / point selects as one pipeline batch vs awaited one by one; SELECT 1 at ${CALLERS} callers, max ${POOL_MAX}: implicit pipelining on vs off vs pg.Pool, pgbench pipeline ceiling`,
  defaults: { rounds: 5, seconds: 1, loads: ['quiet', 'busy'] },
  async run(context: ScenarioContext) {
    await ensurePgAccounts()
    // implicit pipelining is the PostgreSQL default: "not pipelined" turns it off
    const plain = await sluicePgApi(PG_URL, POOL_MAX, { implicitPipelining: false })
    const toClose: Array<{ close(): Promise<void> }> = [plain]
    const cases: CaseResult[] = []
    try {
      const implicit = await sluicePgApi(PG_URL, POOL_MAX, { implicitPipelining: true })
      toClose.push(implicit)
      const pgPool = await context.setUp('pg.Pool', () => pgPoolApi(PG_URL, POOL_MAX))
      if (pgPool) toClose.push(pgPool)
      await plain.pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id bigserial PRIMARY KEY, name text NOT NULL, qty integer NOT NULL)`)

      // (a) one caller, one batch at a time: a --concurrency without 1 leaves these out
      if (context.concurrencies([1]).includes(1)) {
        for (const [what, label] of [
          ['insert', `${BATCH} INSERTs, 1 caller`],
          ['select', `${BATCH} point selects, 1 caller`],
        ] as const) {
          cases.push(...(await context.runCase({ id: `pipe-batch-${what}@1`, label, concurrency: 1, unit: 'statements', contenders: batchContenders(plain.pool, what) })))
        }
      }

      // (b) many callers on few connections
      for (const concurrency of context.concurrencies([CALLERS])) {
        const sessions = Math.min(concurrency, POOL_MAX)
        const depth = Math.ceil(concurrency / sessions)
        const contenders: Contender[] = [
          select1Contender(PIPELINED, 'sluice', implicit.select1, async (n) => (await implicit.pool.query<{ n: number }>(ECHO, [n]))[0]?.n),
          select1Contender(NOT_PIPELINED, 'peer', plain.select1, async (n) => (await plain.pool.query<{ n: number }>(ECHO, [n]))[0]?.n),
        ]
        if (pgPool) contenders.push(select1Contender('pg.Pool', 'peer', pgPool.select1, async (n) => (await pgPool.pool.query<{ n: number }>(ECHO, [n])).rows[0]?.n))
        if (context.includes('pgbench')) contenders.push(pgbenchContender(PG_URL, 'select1', POOL_MAX, { pipelineDepth: depth, name: 'pgbench, pipelined' }))
        cases.push(
          ...(await context.runCase({
            id: `pipe-select1@${concurrency}`,
            label: `SELECT 1, ${concurrency} caller${concurrency === 1 ? '' : 's'}, max ${POOL_MAX}`,
            concurrency,
            unit: 'statements',
            contenders,
          })),
        )
      }
    } finally {
      await plain.pool.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined)
      await Promise.allSettled(toClose.map((c) => c.close()))
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        `Sluice on the pg dialect, pool max ${POOL_MAX}. **Batches:** one caller runs ${BATCH} statements at a time, either awaited one by one with \`pool.query()\` ("not pipelined") or added to one \`pool.pipeline({ batchSize: ${BATCH}, strategy: 'sequential' })\` and sent together, then \`close()\` ("pipelined"); ` +
        `the statements are \`${INSERT}\` (autocommit, so one by one means ${BATCH} commits) and the point select \`${POINT}\` (random id; every answer is checked in both). Counted per statement. ` +
        `**Implicit pipelining:** ${CALLERS} callers loop on \`${SELECT_1}\` through \`pool.query()\` on a pool with \`implicitPipelining: true\` ("pipelined": once all ${POOL_MAX} connections are busy, a statement joins one in flight, up to 16 deep) and on the same pool without it ("not pipelined"), against \`pg.Pool#query\`. ` +
        `The ceiling is pgbench in pipeline mode: min(callers, ${POOL_MAX}) sessions on one thread, \`-M extended\`, each transaction \`\\startpipeline\`, ⌈callers ÷ sessions⌉ statements (${Math.ceil(CALLERS / POOL_MAX)} at ${CALLERS} callers), \`\\endpipeline\`, counted per statement. ` +
        'Guards each round: the INSERT batch leaves exactly its rows, in order; every point select returns the seeded balance; for the many-caller case every contender runs SELECT 1 and then 64 simultaneous `SELECT $1::int`, each caller must get its own number back.',
      cases,
      targets: pipeliningTargets(cases),
      notes: offVsPgPool(cases, context.rounds),
    })
  },
}

function pipeliningTargets(cases: readonly CaseResult[]): TargetResult[] {
  const targets: TargetResult[] = []
  for (const c of cases.filter((x) => x.id.startsWith('pipe-select1@'))) {
    const vsPg = c.ratios.find((r) => r.peer === 'pg.Pool')
    const others = c.ratios.filter((r) => r.peer !== 'pg.Pool').map((r) => `÷ ${r.peer} ${formatRatio(r.median)}`)
    targets.push({
      target: `Implicit pipelining: ${c.label}, Sluice ≥ ${IMPLICIT_TARGET}x pg.Pool`,
      met: vsPg === undefined ? undefined : vsPg.median >= IMPLICIT_TARGET,
      detail: vsPg
        ? `${formatRatio(vsPg.median)} (${vsPg.min.toFixed(2)}–${vsPg.max.toFixed(2)} over rounds${vsPg.cpu ? `; CPU per statement ${formatRatio(vsPg.cpu.median)}` : ''}); ${others.join(', ')}`
        : 'pg.Pool not measured',
    })
  }
  const batches = cases.filter((x) => x.id.startsWith('pipe-batch-'))
  if (batches.length > 0) {
    targets.push({
      target: `A pipeline batch of ${BATCH} vs the same statements awaited one by one (informational)`,
      met: undefined,
      detail: batches.map((c) => `${c.label}: ${formatRatio(c.ratios.find((r) => r.peer === NOT_PIPELINED)?.median ?? Number.NaN)}`).join('; '),
    })
  }
  return targets
}

/**
 * Sluice without pipelining ÷ pg.Pool, per round then the median: the
 * baseline the pipelined number stands on. Only when both have every round,
 * so that the pairs line up.
 */
function offVsPgPool(cases: readonly CaseResult[], rounds: number): string[] {
  const notes: string[] = []
  for (const c of cases.filter((x) => x.id.startsWith('pipe-select1@'))) {
    const off = c.contenders.find((x) => x.name === NOT_PIPELINED)
    const pg = c.contenders.find((x) => x.name === 'pg.Pool')
    if (!off || !pg || off.samples.length !== rounds || pg.samples.length !== rounds) continue
    const ratios = off.samples.map((s, i) => s / pg.samples[i]!)
    notes.push(`${c.label}: Sluice not pipelined ÷ pg.Pool ${formatRatio(median(ratios))} (median of per-round ratios, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`)
  }
  return notes
}
