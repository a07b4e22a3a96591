/**
 * The simulation as a tuning bench: a day of a diurnal workload with bursts
 * and slow queries, replayed against fixed min, fixed max and adaptive
 * sizing; prints what each measured. Change ADAPTIVE_SIZING in
 * src/config/defaults.ts and run it again:
 *
 *   npx tsx packages/core/test/support/sim/tune.ts [hours, default 24] [seed, default 1]
 */
import type { PoolOptions } from '../../../src/config/pool-config.js'
import { Simulation } from './simulation.js'
import { diurnalRate, holdTimes, withBursts } from './workload.js'

const hours = Number(process.argv[2] ?? 24)
const seed = Number(process.argv[3] ?? 1)
const workload = {
  // 0.5/s at night, 5/s at 09:00-10:00 UTC, 4x bursts of 5 s every 2 minutes
  rate: withBursts(diurnalRate({ baseRate: 0.5, peakRate: 5, peakHour: 9 }), { everyMillis: 120_000, lastsMillis: 5_000, factor: 4 }),
  // ~1 s each, 1% slow queries of 10 s
  holdMillis: holdTimes({ meanMillis: 1_000, slowShare: 0.01, slowMillis: 10_000 }),
}
const configurations: Array<[string, Partial<PoolOptions>]> = [
  ['fixed min (4)', { min: 4, max: 4 }],
  ['fixed max (30)', { min: 30, max: 30 }],
  ['adaptive (2..30)', { min: 2, max: 30, sizing: 'adaptive' }],
]
for (const [name, pool] of configurations) {
  const sim = new Simulation({ workload, pool, seed })
  const started = performance.now()
  await sim.run(hours * 3_600_000)
  const r = sim.report()
  console.log(
    `${name.padEnd(18)} p99 wait ${String(r.p99AcquireWaitMillis).padStart(5)} ms  timeouts ${String(r.timeouts).padStart(5)}  ` +
      `utilization ${(r.utilization * 100).toFixed(0).padStart(3)}%  connection-s ${r.connectionSeconds.toFixed(0).padStart(8)}  ` +
      `changes ${r.sizeChanges} (most in a minute ${r.maxSizeChangesPerMinute})  [${((performance.now() - started) / 1000).toFixed(1)} s real]`,
  )
  await sim.close()
}
