/**
 * The PostgreSQL statement cache: a point select at 16 concurrent callers,
 * through a Sluice pool with the cache (named prepared statements, the
 * default) and through one without it (`statementCacheSize: 0`: every
 * statement parsed and planned anew, as unnamed statements are). Both pools
 * run in the same process and the rounds alternate (the order flips every
 * round), so drift of the machine hits both alike.
 *
 *   npx tsx --conditions=@sluice/source bench/src/scenarios-extra/statement-cache.ts
 *
 * Environment: BENCH_PG_URL, STATEMENT_CACHE_ROUNDS (5), STATEMENT_CACHE_SECONDS (2).
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createPool, postgres, type Pool } from '@sluice/core'
import { PG_URL, POOL_MAX, expectedBalance, randomAccountId } from '../config.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import { closedLoop } from '../harness/load.js'
import { median } from '../harness/stats.js'

const CONCURRENCY = 16
const ROUNDS = Number(process.env.STATEMENT_CACHE_ROUNDS ?? 5)
const SECONDS = Number(process.env.STATEMENT_CACHE_SECONDS ?? 2)
const WARMUP_SECONDS = 1
const POINT_SELECT = 'SELECT * FROM bench_accounts WHERE id = $1'

export interface StatementCacheRow {
  readonly contender: string
  /** Median over the rounds. */
  readonly opsPerSec: number
}

interface Contender {
  readonly name: string
  readonly pool: Pool
  readonly perRound: number[]
}

/** Runs the scenario; returns the median throughput of each pool and prints the rounds and the ratio. */
export async function statementCacheScenario(): Promise<{ rows: StatementCacheRow[] }> {
  await ensurePgAccounts()
  const contenders: Contender[] = [
    { name: 'Sluice, statement cache', pool: openPool(100), perRound: [] },
    { name: 'Sluice, no statement cache', pool: openPool(0), perRound: [] },
  ]
  try {
    await Promise.all(contenders.map((c) => c.pool.ready()))
    for (const c of contenders) await measure(c.pool, WARMUP_SECONDS)
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse()
      for (const c of order) c.perRound.push(await measure(c.pool, SECONDS))
      console.log(`round ${round + 1}/${ROUNDS}: ${contenders.map((c) => `${c.name} ${Math.round(c.perRound[round] ?? 0)}/s`).join(', ')}`)
    }
    const cached = contenders[0]!
    const uncached = contenders[1]!
    const stats = cached.pool.stats().statements
    console.log(`cache: ${stats.hits} hits, ${stats.misses} misses (hit rate ${(stats.hitRate * 100).toFixed(2)}%), ${stats.size} statements held`)
    const ratios = cached.perRound.map((ops, i) => ops / (uncached.perRound[i] ?? Number.NaN))
    console.log(
      `point select at ${CONCURRENCY} callers, pool max ${POOL_MAX}: with cache / without = ${median(ratios).toFixed(3)}x ` +
        `(per round: ${ratios.map((r) => r.toFixed(3)).join(', ')})`,
    )
    return { rows: contenders.map((c) => ({ contender: c.name, opsPerSec: Math.round(median(c.perRound)) })) }
  } finally {
    await Promise.allSettled(contenders.map((c) => c.pool.close()))
  }
}

function openPool(statementCacheSize: number): Pool {
  return createPool({ dialect: postgres({ connectionString: PG_URL, statementCacheSize }), min: POOL_MAX, max: POOL_MAX, log: false })
}

/** Point selects per second over `seconds`, every answer checked. */
async function measure(pool: Pool, seconds: number): Promise<number> {
  const sample = await closedLoop(async () => {
    const id = randomAccountId()
    const row = (await pool.query(POINT_SELECT, [id], { fetch: 'one' })) as { balance: number } | undefined
    if (row?.balance !== expectedBalance(id)) throw new Error(`account ${id}: expected balance ${expectedBalance(id)}, got ${String(row?.balance)}`)
  }, { concurrency: CONCURRENCY, seconds })
  return sample.ops / sample.seconds
}

const invokedPath = process.argv[1]
if (invokedPath !== undefined && realpathSync(invokedPath) === realpathSync(fileURLToPath(import.meta.url))) {
  statementCacheScenario().then(
    ({ rows }) => {
      for (const row of rows) console.log(`${row.contender}: ${row.opsPerSec} ops/s`)
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
