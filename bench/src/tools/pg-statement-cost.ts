/**
 * What one `pool.query()` costs the client on PostgreSQL at one caller:
 * promises created per statement (counted by an async_hooks `init` hook,
 * which sees every promise V8 makes, awaits' throwaway ones included) and
 * CPU microseconds per statement (user + system of this process, so the
 * server's work and other processes' load do not count, though a loaded
 * machine still inflates it through caches and frequency).
 *
 *   tsx bench/src/tools/pg-statement-cost.ts [--client sluice|pg] [--kind select1|point] [--ops 20000] [--rounds 5]
 *
 * One client per process (run it once per client): the promise count is
 * exact and repeatable; compare CPU per op only between alternating runs.
 */
import { createHook } from 'node:async_hooks'
import { PG_URL, POOL_MAX, randomAccountId } from '../config.js'
import { pgPoolApi } from '../contenders/pg.js'
import { sluicePgApi } from '../contenders/sluice.js'
import type { SqlApi } from '../contenders/sql-api.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

async function main(): Promise<void> {
  const client = arg('client', 'sluice')
  const kind = arg('kind', 'select1')
  const ops = Number(arg('ops', '20000'))
  const rounds = Number(arg('rounds', '5'))
  const api: SqlApi = client === 'pg' ? await pgPoolApi(PG_URL, POOL_MAX, true) : await sluicePgApi(PG_URL, POOL_MAX)
  const op = kind === 'point' ? () => api.point(randomAccountId()) : () => api.select1()
  const loop = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await op()
  }
  await loop(ops)
  // promises: a short loop under the hook (the hook itself slows everything, so it is off while timing)
  let promises = 0
  const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) })
  const counted = 1000
  // the loop's own await of each op's promise, measured alone and subtracted
  const settled = Promise.resolve()
  hook.enable()
  for (let i = 0; i < counted; i++) await settled
  hook.disable()
  const loopPromises = promises
  promises = 0
  hook.enable()
  await loop(counted)
  hook.disable()
  const perOp = (promises - loopPromises) / counted
  const cpu: number[] = []
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage()
    await loop(ops)
    const used = process.cpuUsage(before)
    cpu.push((used.user + used.system) / ops)
  }
  cpu.sort((a, b) => a - b)
  console.log(`${api.name} ${kind}: promises/op ${perOp.toFixed(2)}; CPU µs/op median ${cpu[cpu.length >> 1]!.toFixed(2)} (min ${cpu[0]!.toFixed(2)}, rounds ${cpu.map((c) => c.toFixed(2)).join(' ')})`)
  await api.close()
}

await main()
