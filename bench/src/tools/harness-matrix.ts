/**
 * Does a ratio depend on how it is measured? Runs one scenario several
 * times, changing only the harness (GC before each measurement or not, one
 * process or a process per contender, a loop compiled per pool or shared,
 * the clock read every cycle or every 64, short or long warm-up), and prints
 * Sluice's ratio to each peer under each variant, by throughput and by CPU
 * per operation. A ratio that moves between rows is an artefact of the
 * harness; docs/benchmarks.md records what was found and why.
 *
 *   tsx bench/src/tools/harness-matrix.ts [--scenario pool-overhead] [--case cycles@16] [--rounds 7] [--seconds 0.5] [--only ...] [--variants 1,2,3] [--out file.md]
 *
 * Each variant runs `bench/src/cli.ts <scenario> --load quiet` with its
 * flags and reads bench/results/<scenario>.json back.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatRatio } from '../harness/format.js'
import type { CaseResult } from '../harness/types.js'

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url))
const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url))

const VARIANTS: ReadonlyArray<{ name: string; flags: string[] }> = [
  { name: 'suite default: one process, GC then 0.2 s re-warm before each measurement, loop per pool, clock every 64, 0.5 s warm-up', flags: [] },
  { name: 'GC right before each measurement (no re-warm)', flags: ['--rewarm', '0'] },
  { name: 'no GC between rounds', flags: ['--no-gc'] },
  { name: 'each contender in its own process', flags: ['--isolate'] },
  { name: 'each contender in its own process, no re-warm', flags: ['--isolate', '--rewarm', '0'] },
  { name: 'each contender in its own process, no GC', flags: ['--isolate', '--no-gc'] },
  { name: 'one loop shared by every pool', flags: ['--shared-loop'] },
  { name: 'clock read every cycle', flags: ['--clock-every', '1'] },
  { name: 'no warm-up', flags: ['--warmup', '0'] },
  { name: '3 s warm-up', flags: ['--warmup', '3'] },
]

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}

const scenario = option('--scenario', 'pool-overhead')
const caseId = option('--case', 'cycles@16')
const rounds = option('--rounds', '7')
const seconds = option('--seconds', '0.5')
const only = option('--only', '')
const out = option('--out', '')
const variantFilter = option('--variants', '')
const concurrency = caseId.split('@')[1] ?? '16'

const rows: string[] = []
let peers: string[] = []
for (const [index, variant] of VARIANTS.entries()) {
  if (variantFilter && !variantFilter.split(',').map(Number).includes(index + 1)) continue
  const args = [...process.execArgv, CLI, scenario, '--load', 'quiet', '--concurrency', concurrency, '--rounds', rounds, '--seconds', seconds, ...(only ? ['--only', only] : []), ...variant.flags]
  console.log(`== ${variant.name}: ${args.slice(process.execArgv.length).join(' ')}`)
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: process.env })
  if (run.status !== 0) {
    rows.push(`| ${variant.name} | failed (exit ${run.status}) |`)
    continue
  }
  const result = JSON.parse(readFileSync(`${RESULTS}${scenario}.json`, 'utf8')) as { cases: CaseResult[]; machine: { loadAverage: number } }
  const c = result.cases.find((x) => x.id === caseId)
  if (!c) {
    rows.push(`| ${variant.name} | case ${caseId} not found |`)
    continue
  }
  if (peers.length === 0) peers = c.ratios.map((r) => r.peer)
  const sluice = c.contenders.find((x) => x.role === 'sluice')
  const cells = peers.map((p) => {
    const r = c.ratios.find((x) => x.peer === p)
    return r ? `${formatRatio(r.median)} (${r.min.toFixed(2)}–${r.max.toFixed(2)}) · CPU ${r.cpu ? formatRatio(r.cpu.median) : '—'}` : '—'
  })
  const cpu = sluice?.cpuSummary ? `${(sluice.cpuSummary.median * 1000).toFixed(0)} ns (${(sluice.cpuSummary.min * 1000).toFixed(0)}–${(sluice.cpuSummary.max * 1000).toFixed(0)})` : '—'
  rows.push(`| ${variant.name} | ${result.machine.loadAverage} | ${cpu} | ${cells.join(' | ')} |`)
}
const table = [
  `**${scenario}, ${caseId}: Sluice ÷ peer under each harness variant** (${rounds} rounds × ${seconds} s; throughput ratio, median of per-round ratios (min–max) · CPU ratio):`,
  '',
  `| harness | load at start | Sluice CPU per op | ${peers.map((p) => `÷ ${p}`).join(' | ')} |`,
  `| --- | ---: | ---: | ${peers.map(() => '---:').join(' | ')} |`,
  ...rows,
  '',
].join('\n')
console.log(`\n${table}`)
if (out) writeFileSync(out, table)
