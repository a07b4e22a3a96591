/**
 * Pipelining micro-benchmark, standalone:
 *
 *   cd /work/main && npx tsx --conditions=@sluice/source bench/src/scenarios-extra/pipelining.ts
 *
 * 1. One caller, 100 statements (INSERTs, then SELECTs): awaited one by one
 *    with `pool.query()`, against one `pool.pipeline()` batch (sequential and
 *    best-effort strategies). Rounds alternate so that drift hits all alike.
 * 2. 64 callers looping on `SELECT 1` with max 10 connections: Sluice with
 *    implicit pipelining, Sluice without, and `pg.Pool`. Rounds alternate.
 *
 * Prints medians and ratios. Env: BENCH_PG_URL, PIPE_BENCH_ROUNDS (default 5),
 * PIPE_BENCH_SECONDS (per throughput round, default 2).
 */
import pg from 'pg'
import { createPool, postgres, type Pool } from '@sluice/core'
import { PG_URL, POOL_MAX } from '../config.js'

const ROUNDS = Number(process.env.PIPE_BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.PIPE_BENCH_SECONDS ?? 2)
const CALLERS = 64
const STATEMENTS = 100

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function sluice(implicitPipelining: boolean): Pool {
  return createPool({ dialect: postgres({ connectionString: PG_URL }), min: POOL_MAX, max: POOL_MAX, implicitPipelining, log: ['warn', 'error'] })
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

// ---- 1. a batch of 100 statements ------------------------------------------

async function batchRounds(): Promise<void> {
  const pool = sluice(false)
  await pool.ready()
  await pool.query('DROP TABLE IF EXISTS pipe_bench')
  await pool.query('CREATE TABLE pipe_bench (id INTEGER PRIMARY KEY, note TEXT)')
  const insert = 'INSERT INTO pipe_bench (id, note) VALUES ($1, $2)'
  const select = 'SELECT $1::int AS n, now() AS at'
  const samples: Record<string, number[]> = {}
  const note = (name: string, ms: number): void => void (samples[name] ??= []).push(ms)

  for (let round = 0; round < ROUNDS + 1; round++) {
    const warmUp = round === 0
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['insert one by one', async () => { for (let i = 0; i < STATEMENTS; i++) await pool.query(insert, [i, 'x']) }],
      ['insert pipeline sequential', () => pipelined(pool, 'sequential', insert, (i) => [i, 'x'])],
      ['insert pipeline best-effort', () => pipelined(pool, 'best-effort', insert, (i) => [i, 'x'])],
      ['insert pipeline transactional', () => pipelined(pool, 'transactional', insert, (i) => [i, 'x'])],
      ['select one by one', async () => { for (let i = 0; i < STATEMENTS; i++) await pool.query(select, [i]) }],
      ['select pipeline sequential', () => pipelined(pool, 'sequential', select, (i) => [i])],
      ['select pipeline best-effort', () => pipelined(pool, 'best-effort', select, (i) => [i])],
    ]
    // alternate the order from round to round
    if (round % 2 === 1) cases.reverse()
    for (const [name, run] of cases) {
      await pool.query('TRUNCATE pipe_bench')
      const ms = await timed(run)
      if (!warmUp) note(name, ms)
    }
  }
  await pool.query('DROP TABLE IF EXISTS pipe_bench')
  await pool.close()

  console.log(`\n100 statements from one caller (median of ${ROUNDS} rounds)`)
  for (const [name, values] of Object.entries(samples)) console.log(`  ${name.padEnd(32)} ${median(values).toFixed(2).padStart(8)} ms`)
  const ratio = (a: string, b: string): string => (median(samples[a]!) / median(samples[b]!)).toFixed(2)
  console.log(`  ratio insert one-by-one / pipeline sequential:  ${ratio('insert one by one', 'insert pipeline sequential')}x`)
  console.log(`  ratio insert one-by-one / pipeline best-effort: ${ratio('insert one by one', 'insert pipeline best-effort')}x`)
  console.log(`  ratio select one-by-one / pipeline sequential:  ${ratio('select one by one', 'select pipeline sequential')}x`)
  console.log(`  ratio select one-by-one / pipeline best-effort: ${ratio('select one by one', 'select pipeline best-effort')}x`)
}

async function pipelined(pool: Pool, strategy: 'sequential' | 'best-effort' | 'transactional', sql: string, params: (i: number) => unknown[]): Promise<void> {
  const pipe = pool.pipeline({ batchSize: STATEMENTS, strategy })
  const adds = Array.from({ length: STATEMENTS }, (_, i) => pipe.add(sql, params(i)))
  await Promise.all(adds)
}

// ---- 2. 64 callers on SELECT 1 ------------------------------------------------

interface Contender {
  readonly name: string
  query(): Promise<unknown>
  close(): Promise<void>
}

async function contenders(): Promise<Contender[]> {
  const on = sluice(true)
  const off = sluice(false)
  await Promise.all([on.ready(), off.ready()])
  const pgPool = new pg.Pool({ connectionString: PG_URL, max: POOL_MAX })
  await Promise.all(Array.from({ length: POOL_MAX }, () => pgPool.query('SELECT 1')))
  return [
    { name: 'sluice implicit pipelining', query: () => on.query('SELECT 1'), close: () => on.close() },
    { name: 'sluice (pipelining off)', query: () => off.query('SELECT 1'), close: () => off.close() },
    { name: 'pg.Pool', query: () => pgPool.query('SELECT 1'), close: () => pgPool.end() },
  ]
}

async function throughput(contender: Contender, seconds: number): Promise<number> {
  let count = 0
  const deadline = performance.now() + seconds * 1000
  const caller = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await contender.query()
      count++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: CALLERS }, caller))
  return count / ((performance.now() - started) / 1000)
}

async function callerRounds(): Promise<void> {
  const all = await contenders()
  const samples = new Map<string, number[]>(all.map((c) => [c.name, []]))
  // warm-up, not counted
  for (const contender of all) await throughput(contender, 0.5)
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? all : [...all].reverse()
    for (const contender of order) samples.get(contender.name)!.push(await throughput(contender, SECONDS))
  }
  for (const contender of all) await contender.close()

  console.log(`\n${CALLERS} callers, SELECT 1, max ${POOL_MAX} connections (median of ${ROUNDS} rounds of ${SECONDS}s)`)
  for (const [name, values] of samples) console.log(`  ${name.padEnd(32)} ${Math.round(median(values)).toString().padStart(8)} queries/s`)
  const of = (name: string): number => median(samples.get(name)!)
  console.log(`  ratio implicit pipelining / pg.Pool:  ${(of('sluice implicit pipelining') / of('pg.Pool')).toFixed(2)}x`)
  console.log(`  ratio implicit pipelining / off:      ${(of('sluice implicit pipelining') / of('sluice (pipelining off)')).toFixed(2)}x`)
  console.log(`  ratio off / pg.Pool:                  ${(of('sluice (pipelining off)') / of('pg.Pool')).toFixed(2)}x`)
}

await batchRounds()
await callerRounds()
