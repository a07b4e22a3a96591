import { createPool, PoolTimeoutError, postgres } from '@sluice/core'
import pg from 'pg'
import { PG_URL, POOL_MAX } from '../config.js'
import { formatFixed } from '../harness/format.js'
import { extraMedian } from '../harness/report.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { SampleBuffer, mean, percentile, stddev } from '../harness/stats.js'
import type { CaseResult, Contender, MeasureOptions, Sample, TargetResult } from '../harness/types.js'

const CALLERS = 256
const ACQUIRE_TIMEOUT_MILLIS = 5_000
/** A statement that holds its connection about a millisecond, so 256 callers must queue for 10 connections. */
const SQL = 'SELECT pg_sleep(0.001) AS slept'

/** A pool as this scenario drives it: borrow, run one statement on the borrowed connection, give back. */
interface Borrowing {
  acquire(): Promise<{ run(sql: string): Promise<unknown>; release(): void }>
  isTimeout(error: unknown): boolean
}

/**
 * 256 callers on 10 connections. Each caller times its own acquire (from the
 * call to the moment it holds a connection), so the wait is measured the same
 * way for every pool, outside the pool's own statistics. Every acquire gets a
 * ticket when it is asked for; a grant whose ticket is older than one already
 * granted was overtaken: with strict FIFO there are none.
 */
function contentionContender(name: string, role: Contender['role'], pool: Borrowing): Contender {
  return {
    name,
    role,
    check: async () => {
      const c = await pool.acquire()
      try {
        const rows = (await c.run('SELECT 1 AS one')) as Array<{ one: number }>
        if (rows[0]?.one !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(rows)}`)
      } finally {
        c.release()
      }
    },
    measure: async ({ concurrency, seconds }: MeasureOptions): Promise<Sample> => {
      const waits = new SampleBuffer()
      const perCaller = new Array<number>(concurrency).fill(0)
      let timeouts = 0
      let ticket = 0
      let newestGranted = -1
      let overtaken = 0
      let stop = false
      const deadline = performance.now() + seconds * 1000
      const caller = async (index: number): Promise<void> => {
        while (!stop) {
          const mine = ticket++
          const asked = performance.now()
          let connection: Awaited<ReturnType<Borrowing['acquire']>>
          try {
            connection = await pool.acquire()
          } catch (error) {
            if (!pool.isTimeout(error)) throw error
            timeouts++
            continue
          }
          const now = performance.now()
          waits.push(now - asked)
          if (mine < newestGranted) overtaken++
          else newestGranted = mine
          try {
            await connection.run(SQL)
          } finally {
            connection.release()
          }
          perCaller[index]!++
          if (performance.now() >= deadline) stop = true
        }
      }
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      const results = await Promise.allSettled(Array.from({ length: concurrency }, (_, i) => caller(i)))
      const elapsed = (performance.now() - started) / 1000
      const cpu = process.cpuUsage(cpuBefore)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
      const sorted = waits.sorted()
      const ops = perCaller.reduce((a, b) => a + b, 0)
      return {
        ops,
        seconds: elapsed,
        cpuMicros: cpu.user + cpu.system,
        extra: {
          waitP50: percentile(sorted, 0.5),
          waitP99: percentile(sorted, 0.99),
          waitMax: sorted[sorted.length - 1] ?? Number.NaN,
          timeouts,
          perCallerMin: Math.min(...perCaller),
          perCallerMax: Math.max(...perCaller),
          perCallerStddev: stddev(perCaller),
          perCallerCv: stddev(perCaller) / mean(perCaller),
          overtakenPct: (overtaken / Math.max(1, waits.length)) * 100,
        },
      }
    },
  }
}

export const contention: Scenario = {
  name: 'contention',
  title: 'Contention: 256 callers on 10 connections',
  summary: `${CALLERS} callers on max ${POOL_MAX} with a ${ACQUIRE_TIMEOUT_MILLIS / 1000}s acquire timeout, ~1 ms statements: throughput, acquire-wait percentiles, fairness, timeouts; Sluice vs pg.Pool`,
  defaults: { rounds: 3, seconds: 3, loads: ['quiet', 'busy'] },
  async run(context: ScenarioContext) {
    const sluice = createPool({ dialect: postgres({ connectionString: PG_URL }), max: POOL_MAX, acquireTimeoutMillis: ACQUIRE_TIMEOUT_MILLIS, log: false })
    await sluice.ready()
    const pgPool = new pg.Pool({ connectionString: PG_URL, max: POOL_MAX, connectionTimeoutMillis: ACQUIRE_TIMEOUT_MILLIS })
    const contenders: Contender[] = [
      contentionContender('Sluice', 'sluice', {
        acquire: async () => {
          const c = await sluice.acquire()
          return { run: (sql) => c.query(sql), release: () => c.release() }
        },
        isTimeout: (error) => error instanceof PoolTimeoutError,
      }),
      ...context.select([
        contentionContender('pg.Pool', 'peer', {
          acquire: async () => {
            const c = await pgPool.connect()
            return { run: async (sql) => (await c.query(sql)).rows, release: () => c.release() }
          },
          isTimeout: (error) => error instanceof Error && error.message.includes('timeout exceeded when trying to connect'),
        }),
      ]),
    ]
    const cases: CaseResult[] = []
    try {
      cases.push(
        ...(await context.runCase({
          id: `contention@${CALLERS}`,
          label: `${CALLERS} callers, max ${POOL_MAX}`,
          concurrency: context.concurrencies([CALLERS])[0] ?? CALLERS,
          unit: 'queries',
          contenders,
          extraColumns: [
            { key: 'waitP50', heading: 'acquire wait p50 (ms)' },
            { key: 'waitP99', heading: 'p99 (ms)' },
            { key: 'waitMax', heading: 'max (ms)' },
            { key: 'timeouts', heading: 'timeouts', digits: 0 },
            { key: 'perCallerMin', heading: 'per-caller completions min', digits: 0 },
            { key: 'perCallerMax', heading: 'max', digits: 0 },
            { key: 'perCallerStddev', heading: 'stddev', digits: 1 },
            { key: 'perCallerCv', heading: 'CoV', digits: 3 },
            { key: 'overtakenPct', heading: 'grants out of FIFO order (%)', digits: 2 },
          ],
        })),
      )
    } finally {
      await Promise.allSettled([sluice.close(), pgPool.end()])
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        `${CALLERS} callers in a closed loop on pools of ${POOL_MAX} connections with a ${ACQUIRE_TIMEOUT_MILLIS / 1000} s acquire timeout, each borrowing a connection, running \`${SQL}\` on it and giving it back. ` +
        'Acquire wait is timed by the caller around `pool.acquire()` / `pool.connect()`. Fairness: how evenly completions spread over the callers (min, max, standard deviation, coefficient of variation) and how many grants went out of request order.',
      cases,
      targets: cases.flatMap((c) => contentionTargets(c).map((t) => (c.load === 'busy' ? { ...t, target: `${t.target}, busy` } : t))),
    })
  },
}

function contentionTargets(c: CaseResult | undefined): TargetResult[] {
  const sluice = c?.contenders.find((x) => x.role === 'sluice')
  const peer = c?.contenders.find((x) => x.name === 'pg.Pool')
  if (!sluice) return []
  const p99 = extraMedian(sluice, 'waitP99')
  const peerP99 = peer ? extraMedian(peer, 'waitP99') : undefined
  const maxTimeouts = Math.max(...sluice.extras.map((e) => e.timeouts ?? 0))
  const maxOvertaken = Math.max(...sluice.extras.map((e) => e.overtakenPct ?? 0))
  const cv = extraMedian(sluice, 'perCallerCv')
  const peerCv = peer ? extraMedian(peer, 'perCallerCv') : undefined
  return [
    {
      target: 'Contention: Sluice p99 acquire wait no worse than pg.Pool',
      met: p99 === undefined || peerP99 === undefined ? undefined : p99 <= peerP99 * 1.0,
      detail:
        `p99 ${formatFixed(p99, 2)} ms vs pg.Pool ${formatFixed(peerP99, 2)} ms (medians of rounds); per round, Sluice ${rounds(sluice.extras)} ms, ` +
        `pg.Pool ${peer ? rounds(peer.extras) : '—'} ms`,
    },
    {
      target: 'Contention: FIFO fairness',
      met: maxOvertaken === 0,
      detail: `grants out of request order: ${maxOvertaken.toFixed(2)}% (worst round); per-caller completion CoV ${formatFixed(cv, 3)} vs pg.Pool ${formatFixed(peerCv, 3)}`,
    },
    { target: 'Contention: no acquire timeouts', met: maxTimeouts === 0, detail: `${maxTimeouts} timeouts in the worst round` },
  ]
}

function rounds(extras: ReadonlyArray<Readonly<Record<string, number>>>): string {
  return extras.map((e) => formatFixed(e.waitP99, 1)).join(' / ')
}
