/**
 * What one `pool.query()` costs the client on PostgreSQL at one caller:
 * promises created per statement (counted by an async_hooks `init` hook,
 * which sees every promise V8 makes, awaits' throwaway ones included) and
 * CPU microseconds per statement (user + system of this process, so the
 * server's work and other processes' load do not count, though a loaded
 * machine still inflates it through caches and frequency).
 *
 *   tsx bench/src/tools/pg-statement-cost.ts [--client sluice|pg|sluice,pg] [--kind select1|point] [--ops 20000] [--rounds 5]
 *
 * `--client sluice,pg` runs both in this one process, in turns (as the
 * suite's default does), to compare with each alone. The promise count is
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
  const clients = arg('client', 'sluice').split(',')
  const kind = arg('kind', 'select1')
  const ops = Number(arg('ops', '20000'))
  const rounds = Number(arg('rounds', '5'))
  const apis: SqlApi[] = []
  for (const client of clients) apis.push(client === 'pg' ? await pgPoolApi(PG_URL, POOL_MAX, true) : await sluicePgApi(PG_URL, POOL_MAX))
  const loopOf = (api: SqlApi) => {
    const op = kind === 'point' ? () => api.point(randomAccountId()) : () => api.select1()
    return async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await op()
    }
  }
  const loops = apis.map(loopOf)
  // with several clients, in one process as the suite's default runs them: warmed and measured in turns
  for (const loop of loops) await loop(ops)
  for (const [i, api] of apis.entries()) {
    const loop = loops[i]!
    // promises: a short loop under the hook (the hook itself slows everything, so it is off while timing)
    let promises = 0
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) })
    const counted = 1000
    // the loop's own await of each op's (already made) promise, measured alone and subtracted
    const settled = Promise.resolve()
    hook.enable()
    for (let j = 0; j < counted; j++) await settled
    hook.disable()
    const loopPromises = promises
    promises = 0
    hook.enable()
    await loop(counted)
    hook.disable()
    console.log(`${api.name} ${kind}: promises/op ${((promises - loopPromises) / counted).toFixed(2)}`)
  }
  const cpu: number[][] = apis.map(() => [])
  for (let r = 0; r < rounds; r++) {
    for (const [i, loop] of loops.entries()) {
      const before = process.cpuUsage()
      await loop(ops)
      const used = process.cpuUsage(before)
      cpu[i]!.push((used.user + used.system) / ops)
    }
  }
  for (const [i, api] of apis.entries()) {
    const c = cpu[i]!.sort((a, b) => a - b)
    console.log(`${api.name} ${kind}${apis.length > 1 ? ' (shared process)' : ''}: CPU µs/op median ${c[c.length >> 1]!.toFixed(2)} (min ${c[0]!.toFixed(2)}, rounds ${c.map((x) => x.toFixed(2)).join(' ')})`)
  }
  for (const api of apis) await api.close()
}

await main()
