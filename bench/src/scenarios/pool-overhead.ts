import { countClockUse, primitiveCosts, sluiceLayerRates } from '../diagnostics/engine-costs.js'
import { formatRate, formatRatio } from '../harness/format.js'
import type { ContenderHost } from '../harness/hosted.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, TargetResult } from '../harness/types.js'

const MAX = 10

const contenders = (file: string): string => new URL(`../contenders/${file}`, import.meta.url).href

/** Every pool of the scenario: Sluice, each peer by default and in its fastest documented configuration, the bare stack (also used by tools/instructions.ts). */
export const OVERHEAD_HOSTS = [
  { name: 'Sluice', module: contenders('sluice.js'), factory: 'sluiceOverheadHost', args: [MAX] },
  { name: 'tarn', module: contenders('tarn.js'), factory: 'tarnOverheadHost', args: [MAX, false] },
  { name: 'tarn, min = max, no reaping', module: contenders('tarn.js'), factory: 'tarnOverheadHost', args: [MAX, true] },
  { name: 'generic-pool', module: contenders('generic-pool.js'), factory: 'genericPoolOverheadHost', args: [MAX, false] },
  { name: 'generic-pool, min = max, fifo: false', module: contenders('generic-pool.js'), factory: 'genericPoolOverheadHost', args: [MAX, true] },
  { name: 'pg-pool', module: contenders('pg-pool-fake.js'), factory: 'pgPoolOverheadHost', args: [MAX, false] },
  { name: 'pg-pool, idleTimeoutMillis: 0', module: contenders('pg-pool-fake.js'), factory: 'pgPoolOverheadHost', args: [MAX, true] },
  { name: 'bare stack', module: contenders('bare-stack-pool.js'), factory: 'bareStackHost', args: [MAX] },
] as const

/**
 * The pool alone: acquire + release of a no-op resource, no database, so
 * that nothing but each pool's bookkeeping is timed. 1 borrower measures the
 * fast path (an idle resource is always there); 16 borrowers on max 10 keep
 * six callers queued, so every cycle also pays for the waiting path.
 */
export const poolOverhead: Scenario = {
  name: 'pool-overhead',
  title: 'Pool overhead (no database)',
  summary: 'acquire+release cycles/s of a no-op resource at 1 and 16 borrowers: Sluice vs tarn, generic-pool, pg-pool, a bare stack',
  defaults: { rounds: 7, seconds: 0.5 },
  async run(context: ScenarioContext) {
    const hosts: ContenderHost[] = []
    const cases: CaseResult[] = []
    try {
      for (const h of OVERHEAD_HOSTS) {
        const host = await context.host(h.name, h)
        if (host) hosts.push(host)
      }
      for (const concurrency of context.concurrencies([1, 16])) {
        cases.push(
          ...(await context.runCase({
            id: `cycles@${concurrency}`,
            label: `${concurrency} borrower${concurrency === 1 ? '' : 's'}, max ${MAX}`,
            concurrency,
            unit: 'cycles',
            contenders: hosts.map((h) => h.contender('cycles')),
          })),
        )
      }
      // the query path on top of the pool, still without a driver: what pool.query() costs each statement before any I/O
      const queryHosts = hosts.filter((h) => h.meta.role === 'sluice' || h.meta.library === 'pg-pool')
      for (const concurrency of context.concurrencies([1, 16])) {
        cases.push(
          ...(await context.runCase({
            id: `query@${concurrency}`,
            label: `pool.query(), ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
            concurrency,
            unit: 'cycles',
            contenders: queryHosts.map((h) => h.contender('query')),
          })),
        )
      }
    } finally {
      await Promise.allSettled(hosts.map((h) => h.close()))
    }
    const diagnostics = await engineDiagnostics(context, cases)
    return context.result({
      name: this.name,
      title: this.title,
      description:
        'A no-op resource (nothing to connect or run): acquire then release as fast as possible, in a closed loop per borrower. ' +
        'Sluice runs on a stub dialect with all its bookkeeping on (health checks, lifetime, acquire timeout, statistics). ' +
        'Each peer runs with its defaults and in its fastest documented configuration: tarn (min 2 as Knex sets it; tuned: min = max and the reaper nearly never, since no option stops the timer tarn arms on every acquire), ' +
        'generic-pool (defaults; tuned: min = max and `fifo: false`), pg-pool over a fake `Client` class (default 10 s idle timeout, which arms a timer on every release; tuned: `idleTimeoutMillis: 0`). ' +
        '"bare stack" is an array of idle resources plus a FIFO of waiting resolvers: the floor for any promise-based pool. ' +
        'The `pool.query()` rows run a statement through each pool\'s query API instead: Sluice on the stub dialect against pg-pool on a fake client whose `query` answers on the next microtask; ' +
        'the difference is what each pool adds to every statement before the driver is reached (informational, no target).',
      cases,
      targets: targets(cases),
      extraMarkdown: diagnostics,
    })
  },
}

function targets(cases: readonly CaseResult[]): TargetResult[] {
  const out: TargetResult[] = []
  const vsPeers: string[] = []
  const vsFloor: string[] = []
  let peersMet: boolean | undefined = undefined
  let floorMet: boolean | undefined = undefined
  for (const c of cases.filter((x) => x.id.startsWith('cycles@'))) {
    const peerRatios = c.ratios.filter((r) => c.contenders.some((x) => x.name === r.peer && x.role === 'peer'))
    if (peerRatios.length > 0) {
      // "≥ 2x the fastest peer" is the smallest of Sluice's ratios to the peers
      const worst = peerRatios.reduce((a, b) => (b.median < a.median ? b : a))
      const ok = worst.median >= 2
      peersMet = (peersMet ?? true) && ok
      vsPeers.push(`${c.label}: ${formatRatio(worst.median)} of the fastest peer (${worst.peer})`)
    }
    const floor = c.ratios.find((r) => r.peer === 'bare stack')
    if (floor) {
      const ok = floor.median >= 1 / 2
      floorMet = (floorMet ?? true) && ok
      vsFloor.push(`${c.label}: bare stack is ${(1 / floor.median).toFixed(2)}x Sluice`)
    }
  }
  out.push({ target: 'Sluice ≥ 2x the fastest configuration of each of tarn, generic-pool, pg-pool', met: peersMet, detail: vsPeers.join('; ') })
  out.push({ target: 'Sluice within 2x of the bare stack pool', met: floorMet, detail: vsFloor.join('; ') })
  return out
}

/**
 * Where a Sluice cycle goes: clock reads and timers counted per operation,
 * priced with this machine's cost of one performance.now() and one timer,
 * and the cost of pool.query()'s layers on top of acquire + release.
 */
async function engineDiagnostics(context: ScenarioContext, cases: readonly CaseResult[]): Promise<string> {
  const costs = primitiveCosts()
  const counts = await countClockUse(context.concurrencies([1, 16]), MAX)
  const lines: string[] = []
  lines.push(
    `**Where a Sluice cycle goes** (counted through the pool's \`clock\` option, 100,000 operations each; ` +
      `one \`performance.now()\` costs ${costs.performanceNowNs.toFixed(0)} ns of CPU and one timer armed and cleared ${costs.timerArmAndClearNs.toFixed(0)} ns on this machine, ` +
      'measured right after the rounds; the last column is Sluice\'s CPU per cycle from the rounds above):',
    '',
    '| borrowers | operation | clock reads / op | timers armed / op | timers cleared / op | clock + timer CPU / op | Sluice CPU / cycle | share |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  )
  for (const c of counts) {
    const priced = c.nowsPerOp * costs.performanceNowNs + c.timersPerOp * costs.timerArmAndClearNs
    const caseId = c.operation === 'acquire + release' ? `cycles@${c.concurrency}` : `query@${c.concurrency}`
    const cpuMicros = cases.find((x) => x.id === caseId)?.contenders.find((x) => x.role === 'sluice')?.cpuSummary?.median
    const cycleNs = cpuMicros === undefined ? '—' : `${(cpuMicros * 1000).toFixed(0)} ns`
    const share = cpuMicros === undefined ? '—' : `${Math.round((priced / (cpuMicros * 1000)) * 100)}%`
    lines.push(`| ${c.concurrency} | ${c.operation} | ${c.nowsPerOp.toFixed(2)} | ${c.timersPerOp.toFixed(2)} | ${c.clearsPerOp.toFixed(2)} | ${priced.toFixed(0)} ns | ${cycleNs} | ${share} |`)
  }
  lines.push('')
  const layers = await sluiceLayerRates(1, MAX, Math.min(1, context.seconds))
  lines.push('**Sluice layers on the stub dialect** (1 caller, ops/s; the difference is what pool.query() adds to acquire + release):', '')
  lines.push('| operation | ops/s | ns / op |', '| --- | ---: | ---: |')
  for (const [name, rate] of Object.entries(layers)) lines.push(`| ${name} | ${formatRate(rate)} | ${(1e9 / rate).toFixed(0)} |`)
  return lines.join('\n')
}
