import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool, postgres, sqlite, type Pool } from '@sluice/core'
import { PG_URL, POOL_MAX, randomAccountId } from '../config.js'
import { createSqliteFixture } from '../contenders/better-sqlite3.js'
import { checkAccount, ensurePgAccounts, type Account } from '../fixtures/accounts.js'
import { informationalTargets } from '../harness/informational-targets.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

const CALLERS = 16
const PG_POINT = 'SELECT * FROM bench_accounts WHERE id = $1'
const SQLITE_POINT = 'SELECT * FROM bench_accounts WHERE id = ?'

/** Column names shared by both cases: the cached pool is the numerator of the ratio. */
const CACHED = 'Sluice, statement cache'
const UNCACHED = 'Sluice, statementCacheSize: 0'

/**
 * A point select through one pool, every answer checked. The guard also
 * checks that the pool is the one it claims to be: the cached pool must
 * consult its cache, the other must never touch one. `extra` carries the
 * cache hit rate during the measurement and the statements held after it.
 */
function pointContender(name: string, pool: Pool, sql: string, cached: boolean): Contender {
  const lookups = (): { hits: number; misses: number; size: number } => {
    const { hits, misses, size } = pool.stats().statements
    return { hits, misses, size }
  }
  return {
    name,
    role: cached ? 'sluice' : 'peer',
    check: async () => {
      const before = lookups()
      checkAccount(4242, await pool.query<Account>(sql, [4242]))
      const after = lookups()
      if (cached && after.hits + after.misses <= before.hits + before.misses) throw new Error('the statement cache was not consulted')
      if (!cached && after.hits + after.misses + after.size > 0) throw new Error(`statementCacheSize: 0, yet the cache reports ${JSON.stringify(after)}`)
    },
    measure: async (options) => {
      const before = lookups()
      const sample = await closedLoop(async () => {
        const id = randomAccountId()
        checkAccount(id, await pool.query<Account>(sql, [id]))
      }, options)
      const after = lookups()
      const hits = after.hits - before.hits
      const total = hits + after.misses - before.misses
      return { ...sample, extra: { hitRate: total > 0 ? (hits / total) * 100 : Number.NaN, held: after.size } }
    },
  }
}

const EXTRA_COLUMNS = [
  { key: 'hitRate', heading: 'cache hit rate during the round (%)', digits: 2 },
  { key: 'held', heading: 'statements held, all connections', digits: 0 },
] as const

export const statementCacheScenario: Scenario = {
  name: 'statement-cache',
  title: 'Statement cache: point select with and without it',
  summary: `point select at ${CALLERS} callers, max ${POOL_MAX}: Sluice with its prepared-statement cache (default size) vs statementCacheSize: 0, on PostgreSQL and SQLite`,
  defaults: { rounds: 7, seconds: 1 },
  async run(context: ScenarioContext) {
    const cases: CaseResult[] = []
    const concurrencies = context.concurrencies([CALLERS])

    await ensurePgAccounts()
    const pgCached = createPool({ dialect: postgres({ connectionString: PG_URL }), max: POOL_MAX, log: false })
    const pgUncached = createPool({ dialect: postgres({ connectionString: PG_URL, statementCacheSize: 0 }), max: POOL_MAX, log: false })
    try {
      await Promise.all([pgCached.ready(), pgUncached.ready()])
      for (const concurrency of concurrencies) {
        cases.push(
          ...(await context.runCase({
            id: `cache-pg-point@${concurrency}`,
            label: `PostgreSQL point select, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
            concurrency,
            unit: 'queries',
            contenders: [pointContender(CACHED, pgCached, PG_POINT, true), pointContender(UNCACHED, pgUncached, PG_POINT, false)],
            extraColumns: EXTRA_COLUMNS,
          })),
        )
      }
    } finally {
      await Promise.allSettled([pgCached.close(), pgUncached.close()])
    }

    const filename = join(tmpdir(), `sluice-bench-cache-${process.pid}.db`)
    createSqliteFixture(filename)
    const liteCached = createPool({ dialect: sqlite({ filename }), max: POOL_MAX, log: false })
    const liteUncached = createPool({ dialect: sqlite({ filename, statementCacheSize: 0 }), max: POOL_MAX, log: false })
    try {
      await Promise.all([liteCached.ready(), liteUncached.ready()])
      for (const concurrency of concurrencies) {
        cases.push(
          ...(await context.runCase({
            id: `cache-sqlite-point@${concurrency}`,
            label: `SQLite point select, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
            concurrency,
            unit: 'queries',
            contenders: [pointContender(CACHED, liteCached, SQLITE_POINT, true), pointContender(UNCACHED, liteUncached, SQLITE_POINT, false)],
            extraColumns: EXTRA_COLUMNS,
          })),
        )
      }
    } finally {
      await Promise.allSettled([liteCached.close(), liteUncached.close()])
      for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true })
    }

    return context.result({
      name: this.name,
      title: this.title,
      description:
        `A point select on bench_accounts (10,000 rows, random id, every answer checked) from ${CALLERS} callers through two Sluice pools of max ${POOL_MAX} that differ only in the dialect's \`statementCacheSize\`: ` +
        'the default ("statement cache") and `0` ("statementCacheSize: 0"). ' +
        'On PostgreSQL the cached pool runs the statement as a named prepared statement, parsed once per connection and then only bound and executed; without the cache it goes out as an unnamed statement, parsed and planned every time (as pg.Pool sends it). ' +
        'On SQLite (a WAL file in the temp directory) the cached pool reuses the better-sqlite3 statement object; without the cache every query calls `db.prepare()`. ' +
        'The guard each round checks the seeded balance of account 4242 and that the cached pool consulted its cache while the other never did.',
      cases,
      targets: informationalTargets(cases, UNCACHED, 'with the statement cache vs without'),
    })
  },
}
