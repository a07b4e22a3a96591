import { createPool, postgres, type Pool } from '@sluice/core'
import { PG_URL, POOL_MAX } from '../config.js'
import { sluiceStubPool } from '../contenders/sluice.js'
import { formatBytes, formatRate } from '../harness/format.js'
import { collectGarbage, gcExposed } from '../harness/machine.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { TargetResult } from '../harness/types.js'

const STUB_CYCLES = 1_000_000
const PG_QUERIES = 100_000
const CONCURRENCY = 16
const CHECKPOINTS = 10
/** Growth under this, after a forced GC, counts as flat: V8's own metadata moves by a few hundred KiB between collections. */
const FLAT_BYTES = 1024 * 1024

interface SoakRun {
  readonly label: string
  readonly operations: number
  readonly seconds: number
  /** heapUsed after a full GC: before the first operation, then after each tenth of the run. */
  readonly heap: readonly number[]
}

function heapAfterGc(): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/**
 * Runs `total` operations from CONCURRENCY callers in CHECKPOINTS equal
 * slices, measuring the heap after a forced GC before the first and after
 * each slice: a leak shows as a staircase, noise as a wobble around a line.
 */
async function soak(label: string, total: number, op: () => Promise<unknown>): Promise<SoakRun> {
  // warm up first, so that JIT code and the pool's fixed-size buffers (1,024-sample latency windows) are already allocated
  await slice(Math.min(20_000, total / 10), op)
  const heap = [heapAfterGc()]
  const started = performance.now()
  for (let i = 0; i < CHECKPOINTS; i++) {
    await slice(total / CHECKPOINTS, op)
    heap.push(heapAfterGc())
  }
  return { label, operations: total, seconds: (performance.now() - started) / 1000, heap }
}

async function slice(count: number, op: () => Promise<unknown>): Promise<void> {
  const each = Math.ceil(count / CONCURRENCY)
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < each; i++) await op()
    }),
  )
}

export const soakScenario: Scenario = {
  name: 'soak',
  title: 'Soak: heap after a million cycles and 100k queries',
  summary: `${STUB_CYCLES.toLocaleString('en-US')} acquire/release cycles (stub dialect) and ${PG_QUERIES.toLocaleString('en-US')} PostgreSQL queries through Sluice; heap after GC before and after`,
  defaults: { rounds: 1, seconds: 1 },
  async run(context: ScenarioContext) {
    if (!gcExposed()) throw new Error('soak needs --expose-gc; run it through the CLI, which re-spawns node with the flag')
    const runs: SoakRun[] = []
    const checks: string[] = []

    const stub: Pool = sluiceStubPool({ max: POOL_MAX })
    try {
      runs.push(await soak(`${STUB_CYCLES.toLocaleString('en-US')} acquire/release cycles, stub dialect, ${CONCURRENCY} borrowers`, STUB_CYCLES, async () => (await stub.acquire()).release()))
      const s = stub.stats()
      if (s.currentState.activeConnections !== 0 || s.currentState.pendingAcquires !== 0) throw new Error(`stub pool not idle after the soak: ${JSON.stringify(s.currentState)}`)
      checks.push(`stub pool after the soak: ${s.currentState.totalConnections} connections, 0 lent, 0 waiting, ${s.connections.created} ever created`)
    } finally {
      await stub.close()
    }

    const pg = createPool({ dialect: postgres({ connectionString: PG_URL }), max: POOL_MAX, log: false })
    try {
      await pg.ready()
      const before = pg.stats().queries.executed
      let wrong = 0
      runs.push(
        await soak(`${PG_QUERIES.toLocaleString('en-US')} PostgreSQL queries (SELECT 1), ${CONCURRENCY} callers`, PG_QUERIES, async () => {
          const rows = await pg.query<{ one: number }>('SELECT 1 AS one')
          if (rows[0]?.one !== 1) wrong++
        }),
      )
      const s = pg.stats()
      if (wrong > 0) throw new Error(`${wrong} queries returned a wrong result`)
      checks.push(`PostgreSQL pool after the soak: ${s.queries.executed - before} statements executed, ${s.queries.errors} errors, ${s.connections.created} connections ever created, ${s.currentState.activeConnections} lent`)
    } finally {
      await pg.close()
    }

    const lines: string[] = ['**Heap after a forced GC** (`process.memoryUsage().heapUsed`, at the start and after each tenth of the run):', '']
    lines.push('| run | ops/s | heap at start | heap at end | growth | growth per 1,000 ops | growth over the second half | checkpoints (MiB) |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    const targets: TargetResult[] = []
    for (const r of runs) {
      const first = r.heap[0]!
      const last = r.heap[r.heap.length - 1]!
      const growth = last - first
      // a leak keeps growing; warm-up effects (JIT code, interned strings) stop early
      const secondHalf = last - r.heap[Math.floor(r.heap.length / 2)]!
      lines.push(
        `| ${r.label} | ${formatRate(r.operations / r.seconds)} | ${(first / 2 ** 20).toFixed(2)} MiB | ${(last / 2 ** 20).toFixed(2)} MiB | ${formatBytes(growth)} | ${formatBytes(Math.round((growth / r.operations) * 1000))} | ${formatBytes(secondHalf)} | ${r.heap.map((h) => (h / 2 ** 20).toFixed(2)).join(' ')} |`,
      )
      targets.push({ target: `Soak: flat heap over ${r.label}`, met: growth <= FLAT_BYTES, detail: `${formatBytes(growth)} from start to end (flat means ≤ ${formatBytes(FLAT_BYTES).slice(1)})` })
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        'Sluice alone, no comparison: a million acquire/release cycles on the stub dialect (16 borrowers on max 10, so the waiting path and its timers run too), ' +
        'then a hundred thousand `SELECT 1` through the pg dialect. The heap is measured after a forced full GC (node runs with --expose-gc), before and after, with checkpoints in between.',
      cases: [],
      targets,
      notes: checks,
      extraMarkdown: lines.join('\n'),
    })
  },
}
