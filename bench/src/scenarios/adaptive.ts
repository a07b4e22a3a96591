import { createPool, PoolTimeoutError, postgres, type Pool, type PoolOptions } from '@sluice/core'
import { PG_URL } from '../config.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { TargetResult } from '../harness/types.js'

/** The three ways to size a pool this scenario compares. */
const CONFIGURATIONS: ReadonlyArray<{ readonly name: string; readonly options: Partial<PoolOptions> }> = [
  { name: 'fixed min (6)', options: { min: 6, max: 6 } },
  { name: 'fixed max (30)', options: { min: 30, max: 30 } },
  { name: 'adaptive (2..30)', options: { min: 2, max: 30, sizing: 'adaptive' } },
]

/** Steady: 60 acquires/s each holding ~100 ms (demand ~6). */
const STEADY_RATE = 60
/** Bursty: 20/s, and every minute a 5-second burst at 10x (demand ~2, then ~20). */
const BURSTY_BASE = 20
const BURST_EVERY_MS = 60_000
const BURST_LASTS_MS = 5_000
const BURST_FACTOR = 10
const MEAN_HOLD_MS = 100
const ACQUIRE_TIMEOUT_MS = 2_000
const TICK_MS = 10

interface Interval {
  readonly from: number
  to: number | undefined
}

interface PhaseResult {
  readonly configuration: string
  readonly phase: 'steady' | 'bursty'
  readonly seconds: number
  readonly arrivals: number
  readonly timeouts: number
  readonly p99WaitMs: number
  readonly utilization: number
  readonly connectionSeconds: number
  readonly sizeChangesPerMinute: number
  readonly maxSizeChangesInAMinute: number
}

/** Time inside [from, to) covered by the intervals (open ones count up to `to`). */
function covered(intervals: readonly Interval[], from: number, to: number): number {
  let total = 0
  for (const i of intervals) total += Math.max(0, Math.min(i.to ?? to, to) - Math.max(i.from, from))
  return total
}

function poisson(mean: number): number {
  const limit = Math.exp(-mean)
  let k = 0
  let p = Math.random()
  while (p > limit) {
    k++
    p *= Math.random()
  }
  return k
}

/**
 * One configuration through both phases, open loop: arrivals come at the
 * workload's rate whether or not the pool keeps up, as users' requests do.
 */
async function runConfiguration(name: string, options: Partial<PoolOptions>, steadyMs: number, burstyMs: number): Promise<PhaseResult[]> {
  const pool: Pool = createPool({ dialect: postgres({ connectionString: PG_URL }), acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS, log: false, ...options })
  const connections = new Map<string, Interval>()
  const closed: Interval[] = []
  const held: Interval[] = []
  const waits: Array<{ at: number; wait: number }> = []
  const timeouts: number[] = []
  const arrivals: number[] = []
  const changes: number[] = []
  pool.on('connect', (id) => connections.set(id, { from: performance.now(), to: undefined }))
  pool.on('remove', (id) => {
    const interval = connections.get(id)
    if (interval === undefined) return
    interval.to = performance.now()
    closed.push(interval)
    connections.delete(id)
  })
  pool.on('resize', () => changes.push(performance.now()))
  await pool.ready()
  const inFlight = new Set<Promise<void>>()
  const arrive = (): void => {
    const at = performance.now()
    arrivals.push(at)
    const run = (async () => {
      let connection
      try {
        connection = await pool.acquire()
      } catch (error) {
        if (error instanceof PoolTimeoutError) timeouts.push(at)
        else throw error
        return
      }
      const acquired = performance.now()
      waits.push({ at, wait: acquired - at })
      try {
        await connection.query('SELECT pg_sleep($1)', [(-Math.log(1 - Math.random()) * MEAN_HOLD_MS) / 1000])
      } finally {
        held.push({ from: acquired, to: performance.now() })
        connection.release()
      }
    })()
    inFlight.add(run)
    void run.finally(() => inFlight.delete(run))
  }
  const start = performance.now()
  const steadyEnd = start + steadyMs
  const end = steadyEnd + burstyMs
  const rate = (t: number): number => (t < steadyEnd ? STEADY_RATE : BURSTY_BASE * ((t - steadyEnd) % BURST_EVERY_MS < BURST_LASTS_MS ? BURST_FACTOR : 1))
  await new Promise<void>((resolve) => {
    let last = start
    const timer = setInterval(() => {
      const now = performance.now()
      if (now >= end) {
        clearInterval(timer)
        resolve()
        return
      }
      const count = poisson((rate(now) * (now - last)) / 1000)
      last = now
      for (let i = 0; i < count; i++) arrive()
    }, TICK_MS)
  })
  await Promise.allSettled([...inFlight])
  const stopped = performance.now()
  await pool.close()
  const all = [...closed, ...connections.values()].map((i) => ({ from: i.from, to: i.to ?? stopped }))
  return [
    phase(name, 'steady', start, steadyEnd),
    phase(name, 'bursty', steadyEnd, end),
  ]

  function phase(configuration: string, which: 'steady' | 'bursty', from: number, to: number): PhaseResult {
    const inPhase = (t: number): boolean => t >= from && t < to
    const phaseWaits = waits.filter((w) => inPhase(w.at)).map((w) => w.wait).sort((a, b) => a - b)
    const connectionMillis = covered(all, from, to)
    const perMinute = new Map<number, number>()
    for (const t of changes.filter(inPhase)) perMinute.set(Math.floor((t - from) / 60_000), (perMinute.get(Math.floor((t - from) / 60_000)) ?? 0) + 1)
    return {
      configuration,
      phase: which,
      seconds: (to - from) / 1000,
      arrivals: arrivals.filter(inPhase).length,
      timeouts: timeouts.filter(inPhase).length,
      p99WaitMs: phaseWaits.length === 0 ? 0 : phaseWaits[Math.min(phaseWaits.length - 1, Math.ceil(0.99 * phaseWaits.length) - 1)]!,
      utilization: connectionMillis === 0 ? 0 : covered(held, from, to) / connectionMillis,
      connectionSeconds: connectionMillis / 1000,
      sizeChangesPerMinute: (changes.filter(inPhase).length / (to - from)) * 60_000,
      maxSizeChangesInAMinute: Math.max(0, ...perMinute.values()),
    }
  }
}

export const adaptiveScenario: Scenario = {
  name: 'adaptive',
  title: 'Adaptive sizing: fixed min, fixed max and adaptive under a steady and a bursty workload',
  summary: 'real PostgreSQL, open-loop arrivals holding pg_sleep(~100 ms): p99 acquire wait, timeouts, utilization, connection-seconds, size changes per minute',
  // --seconds sets the steady phase; the bursty phase runs three times as long
  defaults: { rounds: 1, seconds: 60 },
  async run(context: ScenarioContext) {
    const steadyMs = context.seconds * 1000
    const burstyMs = 3 * steadyMs
    const results: PhaseResult[] = []
    for (const { name, options } of CONFIGURATIONS) {
      if (!context.includes(name)) continue
      console.log(`  adaptive: ${name} (${(steadyMs + burstyMs) / 1000} s)`)
      results.push(...(await runConfiguration(name, options, steadyMs, burstyMs)))
    }
    const lines = [
      `Open loop: acquires arrive at random (Poisson) whatever the pool does, each holding its connection for \`pg_sleep\` of ~${MEAN_HOLD_MS} ms (exponential). ` +
        `Steady: ${STEADY_RATE}/s for ${steadyMs / 1000} s (demand ~${(STEADY_RATE * MEAN_HOLD_MS) / 1000}). Bursty: ${BURSTY_BASE}/s with a ${BURST_LASTS_MS / 1000}-second burst at ${BURST_FACTOR}x every ${BURST_EVERY_MS / 1000} s, for ${burstyMs / 1000} s. ` +
        `acquireTimeoutMillis ${ACQUIRE_TIMEOUT_MS}. Utilization: time connections were lent / time they were open. Connection-seconds: what the open connections cost the server.`,
      '',
      '| configuration | phase | arrivals | p99 acquire wait | timeouts | utilization | connection-seconds | size changes / min (most in one minute) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map(
        (r) =>
          `| ${r.configuration} | ${r.phase} | ${r.arrivals} | ${r.p99WaitMs.toFixed(1)} ms | ${r.timeouts} | ${(r.utilization * 100).toFixed(0)}% | ${r.connectionSeconds.toFixed(0)} | ${r.sizeChangesPerMinute.toFixed(1)} (${r.maxSizeChangesInAMinute}) |`,
      ),
    ]
    const find = (configuration: string, phase: string) => results.find((r) => r.configuration.startsWith(configuration) && r.phase === phase)
    const targets: TargetResult[] = []
    const adaptiveBursty = find('adaptive', 'bursty')
    const maxBursty = find('fixed max', 'bursty')
    const adaptiveSteady = find('adaptive', 'steady')
    if (adaptiveBursty && maxBursty) {
      const waitRatio = adaptiveBursty.p99WaitMs / Math.max(maxBursty.p99WaitMs, 1)
      targets.push({
        target: 'Adaptive: p99 acquire wait within 1.2x of fixed max (bursty; waits under 1 ms count as 1 ms)',
        met: waitRatio <= 1.2,
        detail: `${adaptiveBursty.p99WaitMs.toFixed(1)} ms vs ${maxBursty.p99WaitMs.toFixed(1)} ms (${waitRatio.toFixed(2)}x)`,
      })
      const costRatio = adaptiveBursty.connectionSeconds / maxBursty.connectionSeconds
      targets.push({ target: 'Adaptive: at most 60% of fixed max’s connection-seconds (bursty)', met: costRatio <= 0.6, detail: `${(costRatio * 100).toFixed(0)}%` })
      targets.push({ target: 'Adaptive: zero acquire timeouts in the bursty phase', met: adaptiveBursty.timeouts === 0, detail: `${adaptiveBursty.timeouts} timeouts` })
    }
    if (adaptiveSteady) {
      targets.push({
        target: 'Adaptive: 70-80% utilization of the open connections under steady load',
        met: adaptiveSteady.utilization >= 0.7 && adaptiveSteady.utilization <= 0.8,
        detail: `${(adaptiveSteady.utilization * 100).toFixed(0)}%`,
      })
    }
    if (adaptiveSteady && adaptiveBursty) {
      const most = Math.max(adaptiveSteady.maxSizeChangesInAMinute, adaptiveBursty.maxSizeChangesInAMinute)
      targets.push({ target: 'Adaptive: at most a few (≤ 5) size changes in any minute', met: most <= 5, detail: `at most ${most} in one minute` })
    }
    return context.result({
      name: this.name,
      title: this.title,
      description: 'Sluice alone, three ways to size one pool on the same open-loop workload against the shared PostgreSQL server.',
      cases: [],
      targets,
      extraMarkdown: lines.join('\n'),
    })
  },
}
