import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createPool, postgres, type Pool } from '@sluice/core'
import pg from 'pg'
import { PG_URL, POOL_MAX, randomAccountId } from '../config.js'
import { checkAccount, ensurePgAccounts, type Account } from '../fixtures/accounts.js'
import { informationalTargets } from '../harness/informational-targets.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

const run = promisify(execFile)
const PG_REPLICA_URL = process.env.BENCH_PG_REPLICA_URL ?? process.env.SLUICE_TEST_PG_REPLICA_URL ?? 'postgres://sluice:sluice-secret@127.0.0.1:5433/sluice'
const REPLICA_SCRIPT = fileURLToPath(new URL('../../../test/services/pg-replica.sh', import.meta.url))
const POINT = 'SELECT * FROM bench_accounts WHERE id = $1'
const ROUTED = 'Sluice, reads routed to the replica'
const PRIMARY = 'Sluice, primary only'

/** A point select through `pool`; the guard also checks that reads reach a replica when the pool has one. */
function pointContender(name: string, pool: Pool, routed: boolean): Contender {
  const replicaReads = () => pool.routingStats()?.readsToReplicas ?? 0
  return {
    name,
    role: routed ? 'sluice' : 'peer',
    check: async () => {
      const before = replicaReads()
      checkAccount(4242, await pool.query<Account>(POINT, [4242]))
      if (routed && replicaReads() === before) throw new Error('the read did not reach the replica')
    },
    measure: async (options) => {
      const before = replicaReads()
      const sample = await closedLoop(async () => {
        const id = randomAccountId()
        checkAccount(id, await pool.query<Account>(POINT, [id]))
      }, options)
      return { ...sample, extra: { replicaReads: replicaReads() - before } }
    },
  }
}

/** Starts the test replica (test/services/pg-replica.sh) unless it already answers. */
async function replicaReady(): Promise<string | undefined> {
  // a replica that answers is left alone: the script would restart one it finds not streaming, and it may be shared
  if (await answers(PG_REPLICA_URL)) return undefined
  try {
    await run('bash', [REPLICA_SCRIPT, 'start'], { timeout: 180_000 })
    return undefined
  } catch (error) {
    return `the PostgreSQL replica could not be started (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

export const routingScenario: Scenario = {
  name: 'routing',
  title: 'Routed reads: a replica beside the primary vs the primary alone',
  summary: `point select at 16 and 64 callers: a Sluice pool with a streaming replica (reads routed to it) vs the primary only, each max ${POOL_MAX} per server`,
  defaults: { rounds: 5, seconds: 1 },
  async run(context: ScenarioContext) {
    const cases: CaseResult[] = []
    const unavailable = await replicaReady()
    if (unavailable) {
      console.log(`  [routing] skipped: ${unavailable}`)
      return context.result({ name: this.name, title: this.title, description: `Not measured: ${unavailable}.`, cases, targets: [] })
    }
    await ensurePgAccounts()
    const routed = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: [postgres({ connectionString: PG_REPLICA_URL })],
      max: POOL_MAX,
      log: false,
    })
    const primaryOnly = createPool({ dialect: postgres({ connectionString: PG_URL }), max: POOL_MAX, log: false })
    try {
      await Promise.all([routed.ready(), primaryOnly.ready()])
      for (const concurrency of context.concurrencies([16, 64])) {
        cases.push(
          ...(await context.runCase({
            id: `routing-point@${concurrency}`,
            label: `point select, ${concurrency} callers`,
            concurrency,
            unit: 'queries',
            contenders: [pointContender(ROUTED, routed, true), pointContender(PRIMARY, primaryOnly, false)],
            extraColumns: [{ key: 'replicaReads', heading: 'reads served by the replica', digits: 0 }],
          })),
        )
      }
    } finally {
      await Promise.allSettled([routed.close(), primaryOnly.close()])
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        'A point select on bench_accounts (random id, every answer checked) through two Sluice pools: one with the test streaming replica (test/services, 127.0.0.1:5433) as a replica, so the classifier sends these reads there, and one on the primary alone. ' +
        'Both servers run on this same 2-core machine, so the replica adds a second server process but no CPU: this measures the router\'s cost and the spreading of reads, not the capacity a replica on its own host would add.',
      cases,
      targets: informationalTargets(cases, PRIMARY, 'reads routed to a replica vs the primary only'),
    })
  },
}
