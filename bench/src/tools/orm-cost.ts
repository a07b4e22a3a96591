/**
 * What one ORM point select costs the client, per statement: CPU time, with
 * every contender in one process and the rounds alternating (so the load
 * moves all of them alike), and promises created (counted by an
 * `async_hooks` hook: exact, and the same at any load). The `orm`
 * scenario's contenders, plus the bare point select on `pool.execute()` and
 * `pg.Pool.query()`, so that an ORM's own share shows as the difference.
 *
 *   tsx bench/src/tools/orm-cost.ts [--orms raw,kysely,knex,drizzle] [--rounds 5] [--seconds 2] [--promises 3000]
 *
 * Without the suite's full GC before each round (see docs/benchmarks.md,
 * "Does the result depend on the harness?"): this reads the steady state.
 * Each pool opens up to POOL_MAX connections; keep --orms short on a shared
 * server.
 */
import { createHook } from 'node:async_hooks'
import { createPool, postgres } from '@sluice/core'
import pg from 'pg'
import { PG_URL, POOL_MAX, randomAccountId } from '../config.js'
import { drizzleSluice, drizzleStock } from '../contenders/orm/drizzle.js'
import { knexSluice, knexStock } from '../contenders/orm/knex.js'
import { kyselySluice, kyselyStock } from '../contenders/orm/kysely.js'
import type { OrmClient } from '../contenders/orm/orm-pair.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'

const CALLERS = 16
// the text Drizzle sends for its point select, so that the bare pair runs the same statement
const POINT = 'select "id", "balance", "owner" from "bench_accounts" where "bench_accounts"."id" = $1'

type Factory = (url: string, max: number) => Promise<OrmClient>

async function sluiceExecute(url: string, max: number): Promise<OrmClient> {
  const pool = createPool({ dialect: postgres({ connectionString: url }), max, log: false })
  return { name: 'pool.execute()', role: 'sluice', point: (id) => pool.execute(POINT, [id]).then((r) => r.rows), close: () => pool.close() }
}

async function pgPoolQuery(url: string, max: number): Promise<OrmClient> {
  const pool = new pg.Pool({ connectionString: url, max })
  return { name: 'pg.Pool.query()', role: 'peer', point: (id) => pool.query(POINT, [id]).then((r) => r.rows), close: () => pool.end() }
}

const PAIRS: Readonly<Record<string, readonly Factory[]>> = {
  raw: [sluiceExecute, pgPoolQuery],
  kysely: [kyselySluice, kyselyStock],
  knex: [knexSluice, knexStock],
  drizzle: [drizzleSluice, drizzleStock],
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

async function closedLoop(client: OrmClient, stop: { ops: number } | { until: number }): Promise<number> {
  let ops = 0
  const more = 'ops' in stop ? () => ops < stop.ops : () => performance.now() < stop.until
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (more()) {
        ops++
        await client.point(randomAccountId())
      }
    }),
  )
  return ops
}

const orms = option('orms', 'raw,kysely,knex,drizzle').split(',')
const rounds = Number(option('rounds', '5'))
const seconds = Number(option('seconds', '2'))
const promiseOps = Number(option('promises', '3000'))
const unknown = orms.filter((o) => PAIRS[o] === undefined)
if (unknown.length > 0) throw new Error(`unknown --orms ${unknown.join(', ')}; known: ${Object.keys(PAIRS).join(', ')}`)

await ensurePgAccounts()
const clients: OrmClient[] = []
for (const orm of orms) for (const factory of PAIRS[orm]!) clients.push(await factory(PG_URL, POOL_MAX))
try {
  for (const client of clients) await closedLoop(client, { until: performance.now() + 1000 })
  const cpu = new Map<OrmClient, number[]>(clients.map((c) => [c, []]))
  for (let round = 0; round < rounds; round++) {
    for (const client of round % 2 === 0 ? clients : [...clients].reverse()) {
      const before = process.cpuUsage()
      const ops = await closedLoop(client, { until: performance.now() + seconds * 1000 })
      const used = process.cpuUsage(before)
      cpu.get(client)!.push((used.user + used.system) / ops)
    }
  }
  let counting = false
  let promises = 0
  const hook = createHook({
    init(_id, type) {
      if (counting && type === 'PROMISE') promises++
    },
  }).enable()
  const created = new Map<OrmClient, number>()
  for (const client of clients) {
    promises = 0
    counting = true
    await closedLoop(client, { ops: promiseOps })
    counting = false
    created.set(client, promises / promiseOps)
  }
  hook.disable()
  console.log(`${CALLERS} callers, pool max ${POOL_MAX}, ${rounds} rounds of ${seconds}s; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`)
  for (const client of clients) {
    const samples = [...cpu.get(client)!].sort((a, b) => a - b)
    const median = samples[samples.length >> 1]!
    console.log(`${client.name.padEnd(24)} CPU ${median.toFixed(1).padStart(6)} µs/statement (${samples.map((s) => s.toFixed(1)).join(' ')})  promises ${created.get(client)!.toFixed(2)}/statement`)
  }
} finally {
  await Promise.allSettled(clients.map((c) => c.close()))
}
