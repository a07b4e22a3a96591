import { formatRate, formatRatio, pad } from './format.js'
import { harnessOptions } from './harness-options.js'
import { collectGarbage } from './machine.js'
import { median, summarize } from './stats.js'
import type { BenchCase, CaseResult, Contender, ContenderResult, LibraryRatio, MachineLoad, RatioResult, Sample, Unavailable } from './types.js'

export interface CaseRunOptions {
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  /** Prefix of progress lines (the scenario's name). */
  readonly tag: string
  readonly load: MachineLoad
}

/**
 * Runs one case: a warm-up per contender, then `rounds` rounds in which every
 * contender runs once, the order rotated by one each round (A B C, B C A,
 * C A B, ...), so no contender always runs first (cold caches) or last (after
 * everyone else's garbage). A full GC before each measurement keeps one
 * contender's garbage out of the next one's numbers.
 *
 * Failures are handled as described at `fail` below: reported, never
 * turned into a number.
 */
export async function runCase(benchCase: BenchCase, options: CaseRunOptions, unavailable: Unavailable[]): Promise<CaseResult> {
  const seconds = benchCase.seconds ?? options.seconds
  const active = new Set<Contender>(benchCase.contenders)
  const samples = new Map<Contender, Array<Sample | undefined>>(benchCase.contenders.map((c) => [c, []]))

  const failures = new Map<Contender, number>()
  // A shared machine has bad moments (another job restarting the database
  // server, say): one failed round is logged and skipped, and that round
  // drops out of the contender's numbers and ratios; two failed rounds in a
  // row drop the contender for the rest of the case, and for Sluice fail the scenario.
  const fail = (contender: Contender, error: unknown, when: string): void => {
    const reason = error instanceof Error ? error.message : String(error)
    const count = (failures.get(contender) ?? 0) + 1
    failures.set(contender, count)
    console.log(`  ! ${contender.name} failed ${when} of "${benchCase.label}": ${reason}`)
    unavailable.push({ name: `${contender.name} (${benchCase.label}, ${when})`, reason: count < 2 ? reason : `${reason}; failed twice in a row, dropped from this case` })
    if (count < 2) return
    if (contender.role === 'sluice') throw new Error(`Sluice failed twice in a row in ${benchCase.label}: ${reason}`, { cause: error })
    active.delete(contender)
  }

  if (options.warmupSeconds > 0) {
    for (const contender of benchCase.contenders) {
      if (contender.warmUp === false) continue
      try {
        await contender.check()
        await contender.measure({ concurrency: benchCase.concurrency, seconds: options.warmupSeconds })
      } catch (error) {
        fail(contender, error, 'the warm-up')
      }
    }
  }

  const order = [...benchCase.contenders]
  for (let round = 0; round < options.rounds; round++) {
    const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)]
    const line: string[] = []
    for (const contender of rotated) {
      if (!active.has(contender)) continue
      try {
        const { gcBeforeMeasuring, rewarmSeconds } = harnessOptions()
        if (gcBeforeMeasuring) {
          collectGarbage()
          await contender.collectGarbage?.()
          // steady state again before measuring (see HarnessOptions.rewarmSeconds)
          if (rewarmSeconds > 0 && contender.warmUp !== false) await contender.measure({ concurrency: benchCase.concurrency, seconds: rewarmSeconds })
        }
        // the correctness guard runs every round, right before the contender is measured
        await contender.check()
        const sample = await contender.measure({ concurrency: benchCase.concurrency, seconds })
        if (sample.ops <= 0) throw new Error('completed no operations')
        samples.get(contender)![round] = sample
        failures.set(contender, 0)
        line.push(`${contender.name} ${formatRate(sample.ops / sample.seconds)}`)
      } catch (error) {
        line.push(`${contender.name} failed`)
        fail(contender, error, `round ${round + 1}`)
      }
    }
    console.log(`  [${options.tag}] ${pad(benchCase.label, 28)} round ${round + 1}/${options.rounds}: ${line.join(' | ')}/s`)
  }

  const results: ContenderResult[] = []
  for (const contender of benchCase.contenders) {
    const mine = samples.get(contender)!
    const measured = mine.filter((s): s is Sample => s !== undefined)
    if (measured.length === 0) continue
    const rates = measured.map((s) => s.ops / s.seconds)
    const cpu = measured.filter((s) => s.cpuMicros !== undefined).map((s) => s.cpuMicros! / s.ops)
    results.push({
      name: contender.name,
      role: contender.role,
      samples: rates,
      cpuMicrosPerOp: cpu,
      extras: measured.map((s) => s.extra ?? {}),
      summary: summarize(rates),
      cpuSummary: cpu.length > 0 ? summarize(cpu) : undefined,
    })
  }

  const ratios = pairedRatios(benchCase.contenders, samples)
  if (ratios.length > 0) {
    console.log(`  [${options.tag}] ${pad(benchCase.label, 28)} Sluice ÷ ${ratios.map((r) => `${r.peer} ${formatRatio(r.median)}`).join(', ')}`)
  }
  return {
    id: benchCase.id,
    label: benchCase.label,
    load: options.load,
    concurrency: benchCase.concurrency,
    unit: benchCase.unit,
    contenders: results,
    ratios,
    libraries: libraryRatios(benchCase.contenders, results, ratios),
    extraColumns: benchCase.extraColumns ?? [],
  }
}

/**
 * For each peer library measured in more than one configuration: Sluice ÷
 * its default configuration and ÷ its fastest one in this case (the highest
 * median throughput; which one that is can differ from case to case).
 */
function libraryRatios(contenders: readonly Contender[], results: readonly ContenderResult[], ratios: readonly RatioResult[]): LibraryRatio[] {
  const libraries = new Map<string, Contender[]>()
  for (const c of contenders) {
    if (c.library === undefined || c.role !== 'peer') continue
    libraries.set(c.library, [...(libraries.get(c.library) ?? []), c])
  }
  const out: LibraryRatio[] = []
  for (const [library, members] of libraries) {
    const measured = members
      .map((c) => ({ c, result: results.find((r) => r.name === c.name), ratio: ratios.find((r) => r.peer === c.name) }))
      .filter((x): x is { c: Contender; result: ContenderResult; ratio: RatioResult } => x.result !== undefined && x.ratio !== undefined)
    if (measured.length === 0) continue
    const fastest = measured.reduce((a, b) => (b.result.summary.median > a.result.summary.median ? b : a))
    const byDefault = measured.find((x) => x.c.isDefault)
    out.push({
      library,
      byDefault: byDefault ? { name: byDefault.c.name, ratio: byDefault.ratio } : undefined,
      fastest: { name: fastest.c.name, ratio: fastest.ratio },
    })
  }
  return out
}

/**
 * Sluice ÷ each other contender, per round, then the median of those ratios:
 * the two numbers of a pair were measured seconds apart under the same
 * conditions, so their ratio is steadier than a ratio of medians taken from
 * different moments. Both are reported.
 */
function pairedRatios(contenders: readonly Contender[], samples: Map<Contender, Array<Sample | undefined>>): RatioResult[] {
  const sluice = contenders.find((c) => c.role === 'sluice')
  if (!sluice) return []
  const mine = samples.get(sluice)!
  const ratios: RatioResult[] = []
  for (const peer of contenders) {
    if (peer === sluice) continue
    const theirs = samples.get(peer)!
    const paired: number[] = []
    const cpuPaired: number[] = []
    const a: number[] = []
    const b: number[] = []
    mine.forEach((s, round) => {
      const t = theirs[round]
      if (!s || !t) return
      a.push(s.ops / s.seconds)
      b.push(t.ops / t.seconds)
      paired.push(s.ops / s.seconds / (t.ops / t.seconds))
      if (s.cpuMicros !== undefined && t.cpuMicros !== undefined && s.cpuMicros > 0) cpuPaired.push(t.cpuMicros / t.ops / (s.cpuMicros / s.ops))
    })
    if (paired.length === 0) continue
    const summary = summarize(paired)
    const cpu = cpuPaired.length > 0 ? summarize(cpuPaired) : undefined
    ratios.push({
      peer: peer.name,
      median: summary.median,
      min: summary.min,
      max: summary.max,
      ofMedians: median(a) / median(b),
      ...(cpu ? { cpu: { median: cpu.median, min: cpu.min, max: cpu.max } } : {}),
    })
  }
  return ratios
}
