import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { formatFixed, formatRate, formatRatio } from './format.js'
import type { MachineInfo } from './machine.js'
import type { CaseResult, ContenderResult, ScenarioResult } from './types.js'

export interface RunMeta {
  readonly machine: MachineInfo
  /** The command line that produced the numbers, as a user would type it. */
  readonly command: string
  readonly startedAt: string
  readonly finishedAt: string
}

/** bench/results/<scenario>.json: everything measured, every round, for whoever wants to re-analyse. */
export function writeJson(dir: string, result: ScenarioResult, meta: RunMeta): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${result.name}.json`)
  writeFileSync(file, `${JSON.stringify({ scenario: result.name, ...meta, ...result }, replacer, 2)}\n`)
  return file
}

export function writeMarkdown(dir: string, result: ScenarioResult, meta: RunMeta): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${result.name}.md`)
  writeFileSync(file, `${machineMarkdown(meta)}\n${scenarioMarkdown(result, meta)}`)
  return file
}

// NaN and Infinity are not JSON; null says "not measured" honestly
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value
}

export function machineMarkdown(meta: RunMeta): string {
  const m = meta.machine
  return [
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}`,
    `- Node ${m.node} (V8 ${m.v8}); 1-minute load average at start: ${m.loadAverage}`,
    `- Code: ${m.revision}`,
    `- Command: \`${meta.command}\``,
    `- Latest run: ${meta.startedAt} → ${meta.finishedAt}`,
    '',
  ].join('\n')
}

/**
 * A scenario as Markdown: throughput (median and spread), Sluice's ratios
 * (median of per-round ratios, min–max), CPU per operation, any extra
 * columns, then targets and notes.
 */
export function scenarioMarkdown(result: ScenarioResult, meta?: RunMeta): string {
  const out: string[] = []
  out.push(`### ${result.title} (\`${result.name}\`)`, '', result.description, '')
  const st = result.settings
  const loads = st.loads.length > 1 ? 'each case quiet, then busy (a neighbour process burning one core)' : st.loads[0] === 'busy' ? 'busy (a neighbour process burning one core)' : 'quiet'
  out.push(
    `Rounds: ${st.rounds}, ${st.seconds}s per contender per round, ${st.warmupSeconds}s warm-up; load: ${loads}; ${st.isolated ? 'each contender in a process of its own' : 'all contenders in one process'}${st.harness ? `; harness: ${st.harness}` : ''}.`,
  )
  if (meta) {
    out.push(
      `Measured ${meta.finishedAt.slice(0, 16).replace('T', ' ')} UTC by \`${meta.command}\` on ${meta.machine.revision}; 1-minute load average ${meta.machine.loadAverage} on ${meta.machine.cores} cores at the start of the run.`,
    )
  }
  out.push('')
  if (result.cases.length > 0) {
    const names = contenderNames(result.cases)
    const unit = result.cases[0]!.unit
    out.push(`**Throughput** (${unit}/s, median of rounds ± half the interquartile range):`, '')
    out.push(row(['case', ...names]), row(['---', ...names.map(() => '---:')]))
    for (const c of result.cases) {
      out.push(row([c.label, ...names.map((n) => throughputCell(find(c, n)))]))
    }
    out.push('')
    const peers = names.filter((n) => result.cases.some((c) => c.ratios.some((r) => r.peer === n)))
    if (peers.length > 0) {
      out.push(
        '**Sluice ÷ peer**: throughput ratio, median of per-round ratios (min–max); then the CPU-time ratio, peer\'s CPU per operation ÷ Sluice\'s (median of rounds). Above 1.00x Sluice is faster / cheaper:',
        '',
      )
      out.push(row(['case', ...peers.map((p) => `÷ ${p}`)]), row(['---', ...peers.map(() => '---:')]))
      for (const c of result.cases) {
        out.push(
          row([
            c.label,
            ...peers.map((p) => {
              const r = c.ratios.find((x) => x.peer === p)
              if (!r) return '—'
              const cpu = r.cpu ? ` · CPU ${formatRatio(r.cpu.median)}` : ''
              return `${formatRatio(r.median)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})${cpu}`
            }),
          ]),
        )
      }
      out.push('')
    }
    if (result.cases.some((c) => c.libraries.length > 0)) {
      const libraries: string[] = []
      for (const c of result.cases) for (const l of c.libraries) if (!libraries.includes(l.library)) libraries.push(l.library)
      out.push(
        '**Sluice ÷ each peer library**, against its default configuration and against its fastest configuration in that case (which one that was in brackets); median of per-round ratios:',
        '',
      )
      out.push(row(['case', ...libraries.flatMap((l) => [`${l} default`, `${l} fastest`])]), row(['---', ...libraries.flatMap(() => ['---:', '---:'])]))
      for (const c of result.cases) {
        out.push(
          row([
            c.label,
            ...libraries.flatMap((name) => {
              const l = c.libraries.find((x) => x.library === name)
              if (!l) return ['—', '—']
              return [l.byDefault ? formatRatio(l.byDefault.ratio.median) : '—', `${formatRatio(l.fastest.ratio.median)} (${l.fastest.name})`]
            }),
          ]),
        )
      }
      out.push('')
    }
    if (result.cases.some((c) => c.contenders.some((x) => x.cpuSummary))) {
      out.push(`**CPU of this process per operation** (µs, user + system, median of rounds; a separate process such as pgbench shows —):`, '')
      out.push(row(['case', ...names]), row(['---', ...names.map(() => '---:')]))
      for (const c of result.cases) {
        out.push(row([c.label, ...names.map((n) => formatFixed(find(c, n)?.cpuSummary?.median, cpuDigits(find(c, n)?.cpuSummary?.median)))]))
      }
      out.push('')
    }
    for (const c of result.cases) {
      if (c.extraColumns.length === 0) continue
      out.push(`**${c.label}: detail** (median of rounds):`, '')
      out.push(row(['contender', ...c.extraColumns.map((x) => x.heading)]), row(['---', ...c.extraColumns.map(() => '---:')]))
      for (const contender of c.contenders) {
        out.push(row([contender.name, ...c.extraColumns.map((x) => formatFixed(extraMedian(contender, x.key), x.digits ?? 2))]))
      }
      out.push('')
    }
  }
  if (result.extraMarkdown) out.push(result.extraMarkdown, '')
  if (result.targets.length > 0) {
    out.push('**Targets:**', '')
    for (const t of result.targets) out.push(`- ${t.met === undefined ? 'n/a' : t.met ? 'MET' : 'NOT MET'}: ${t.target}. ${t.detail}`)
    out.push('')
  }
  if (result.unavailable.length > 0) {
    out.push('**Not measured:**', '')
    for (const u of result.unavailable) out.push(`- ${u.name}: ${u.reason}`)
    out.push('')
  }
  if (result.notes.length > 0) {
    out.push('**Notes:**', '')
    for (const n of result.notes) out.push(`- ${n}`)
    out.push('')
  }
  return out.join('\n')
}

/**
 * Replaces the text between `<!-- bench:<key>:start -->` and
 * `<!-- bench:<key>:end -->` in the docs page, leaving the hand-written
 * analysis around it alone. Returns false when the page has no such markers.
 */
export function updateDocsSection(file: string, key: string, body: string): boolean {
  if (!existsSync(file)) return false
  const text = readFileSync(file, 'utf8')
  const start = `<!-- bench:${key}:start -->`
  const end = `<!-- bench:${key}:end -->`
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i === -1 || j === -1 || j < i) return false
  const next = `${text.slice(0, i + start.length)}\n${body.trim()}\n${text.slice(j)}`
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, next)
  return true
}

export function extraMedian(contender: ContenderResult, key: string): number | undefined {
  const values = contender.extras.map((e) => e[key]).filter((v): v is number => v !== undefined && Number.isFinite(v))
  if (values.length === 0) return undefined
  const sorted = values.sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function contenderNames(cases: readonly CaseResult[]): string[] {
  const names: string[] = []
  for (const c of cases) for (const x of c.contenders) if (!names.includes(x.name)) names.push(x.name)
  return names
}

function find(c: CaseResult, name: string): ContenderResult | undefined {
  return c.contenders.find((x) => x.name === name)
}

function throughputCell(result: ContenderResult | undefined): string {
  if (!result) return '—'
  const s = result.summary
  const spread = s.median > 0 ? ((s.q3 - s.q1) / 2 / s.median) * 100 : Number.NaN
  return `${formatRate(s.median)} ±${Number.isFinite(spread) ? spread.toFixed(1) : '?'}%`
}

function cpuDigits(value: number | undefined): number {
  return value !== undefined && value < 1 ? 3 : value !== undefined && value < 10 ? 2 : 1
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}
