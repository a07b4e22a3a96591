import type { Clock, Pool, TimerHandle } from '@sluice/core'
import { sluiceStubPool } from '../contenders/sluice.js'

/**
 * Counts what one Sluice cycle asks of its clock, through the pool's
 * (internal, test-only) `clock` option: how many times it reads the time and
 * how many timers it arms and clears. Together with the measured price of
 * one clock read and one timer on this machine, this says what share of a
 * cycle they cost, without guessing from a profile's sampling.
 */
class CountingClock implements Clock {
  nows = 0
  timers = 0
  clears = 0

  now(): number {
    this.nows++
    return performance.now()
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.timers++
    const handle = setTimeout(fn, ms)
    handle.unref()
    return handle
  }

  clearTimeout(handle: TimerHandle): void {
    this.clears++
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  }

  reset(): void {
    this.nows = this.timers = this.clears = 0
  }
}

export interface ClockCounts {
  readonly concurrency: number
  readonly operation: string
  readonly nowsPerOp: number
  readonly timersPerOp: number
  readonly clearsPerOp: number
}

async function runOps(concurrency: number, total: number, op: () => Promise<void>): Promise<void> {
  const each = Math.ceil(total / concurrency)
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < each; i++) await op()
    }),
  )
}

/** Clock reads and timers per acquire+release and per pool.query(), at each concurrency. */
export async function countClockUse(concurrencies: readonly number[], max: number, total = 100_000): Promise<ClockCounts[]> {
  const out: ClockCounts[] = []
  for (const concurrency of concurrencies) {
    for (const operation of ['acquire + release', 'pool.query()'] as const) {
      const clock = new CountingClock()
      const pool: Pool = sluiceStubPool({ max, clock })
      const op =
        operation === 'acquire + release'
          ? async () => (await pool.acquire()).release()
          : async () => {
              await pool.query('SELECT 1')
            }
      // open every connection first, so that what is counted is the steady state
      await runOps(Math.max(concurrency, max), max * 10, op)
      clock.reset()
      await runOps(concurrency, total, op)
      const ops = Math.ceil(total / concurrency) * concurrency
      out.push({ concurrency, operation, nowsPerOp: clock.nows / ops, timersPerOp: clock.timers / ops, clearsPerOp: clock.clears / ops })
      await pool.close()
    }
  }
  return out
}

/**
 * CPU nanoseconds per call of the two primitives Sluice's clock wraps, on
 * this machine, in this process: the median of five short runs, in CPU time
 * (like the "CPU per operation" column it is compared with), so that time
 * the process spends descheduled on a busy machine does not inflate it.
 */
export function primitiveCosts(): { performanceNowNs: number; timerArmAndClearNs: number } {
  let sink = 0
  const cpuNs = (iterations: number, body: () => void): number => {
    const before = process.cpuUsage()
    for (let i = 0; i < iterations; i++) body()
    const used = process.cpuUsage(before)
    return ((used.user + used.system) * 1000) / iterations
  }
  const median5 = (f: () => number): number => [f(), f(), f(), f(), f()].sort((a, b) => a - b)[2]!
  cpuNs(100_000, () => (sink += performance.now()))
  const performanceNowNs = median5(() => cpuNs(500_000, () => (sink += performance.now())))
  cpuNs(10_000, () => clearTimeout(setTimeout(noop, 30_000).unref()))
  const timerArmAndClearNs = median5(() => cpuNs(50_000, () => clearTimeout(setTimeout(noop, 30_000).unref())))
  if (sink === -1) console.log(sink)
  return { performanceNowNs, timerArmAndClearNs }
}

/** Cycles per second of a Sluice-only operation, to split the cost of pool.query() from acquire + release. */
export async function sluiceLayerRates(concurrency: number, max: number, seconds: number): Promise<Record<string, number>> {
  const pool = sluiceStubPool({ max })
  const ops: Record<string, () => Promise<unknown>> = {
    'acquire + release': async () => (await pool.acquire()).release(),
    'acquire + connection.query() + release': async () => {
      const c = await pool.acquire()
      try {
        await c.query('SELECT 1')
      } finally {
        c.release()
      }
    },
    'pool.query()': () => pool.query('SELECT 1'),
  }
  const rates: Record<string, number> = {}
  for (const [name, op] of Object.entries(ops)) {
    await runOps(concurrency, 20_000, async () => void (await op()))
    const deadline = performance.now() + seconds * 1000
    let count = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          for (let i = 0; i < 32; i++) await op()
          count += 32
        }
      }),
    )
    rates[name] = count / ((performance.now() - started) / 1000)
  }
  await pool.close()
  return rates
}

function noop(): void {}
