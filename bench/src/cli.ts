/**
 * Sluice's benchmark suite.
 *
 *   pnpm bench                      every scenario
 *   pnpm bench pg-select contention the named ones
 *   pnpm bench --list               what there is
 *
 * Flags: --rounds N, --seconds S (per contender per round), --warmup S,
 * --concurrency 1,16 (only those), --only name[,name] (only contenders whose
 * name contains one of these; for profiling one pool alone), --write-docs
 * (also refresh docs/benchmarks.md and docs/benchmarks/*.svg), --profile
 * (write a V8 CPU profile to bench/results/profiles; summarize it with
 * `tsx bench/src/tools/cpuprofile-top.ts <file>`), --load quiet|busy|both
 * (the machine load each case runs under; the database scenarios default
 * to both), --isolate (each contender of pool-overhead, pg-select,
 * mysql-select and orm in a process of its own: the default of the last
 * three, whose contenders share a driver), --shared (all in this process).
 *
 * Harness knobs, for showing that a result does not depend on them
 * (tools/harness-matrix.ts): --no-gc (no full GC before each measurement),
 * --rewarm S (unmeasured work between that GC and the measurement, default 0.2),
 * --shared-loop (one acquire/release loop for every pool), --clock-every N
 * (cycles between clock reads in that loop, default 64).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatRatio } from './harness/format.js'
import { setHarnessOptions } from './harness/harness-options.js'
import { gcExposed, machineInfo } from './harness/machine.js'
import { machineMarkdown, scenarioMarkdown, updateDocsSection, writeJson, writeMarkdown, type RunMeta } from './harness/report.js'
import { ScenarioContext } from './harness/scenario.js'
import type { MachineLoad, RunSettings, ScenarioResult } from './harness/types.js'
import { SCENARIOS } from './scenarios/index.js'

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))
const REPO_DIR = join(BENCH_DIR, '..')
const RESULTS_DIR = join(BENCH_DIR, 'results')
const DOCS_FILE = join(REPO_DIR, 'docs', 'benchmarks.md')
const DOCS_ASSETS = join(REPO_DIR, 'docs', 'benchmarks')
const CHILD_FLAG = 'SLUICE_BENCH_CHILD'

interface Args {
  readonly names: string[]
  readonly settings: RunSettings
  readonly list: boolean
  readonly help: boolean
  readonly profile: boolean
}

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = []
  let rounds = 0
  let seconds = 0
  let warmupSeconds = 0.5
  let concurrency: number[] | undefined
  let only: string[] | undefined
  let writeDocs = false
  let list = false
  let help = false
  let profile = false
  let loads: MachineLoad[] | undefined
  let isolate: boolean | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--':
        break
      case '--rounds':
        rounds = positiveNumber(flag, value(), true)
        break
      case '--seconds':
        seconds = positiveNumber(flag, value(), false)
        break
      case '--warmup':
        warmupSeconds = Number(value())
        if (!(warmupSeconds >= 0)) throw new Error('--warmup must be a number >= 0')
        break
      case '--concurrency':
        concurrency = value().split(',').map((v) => positiveNumber(flag, v, true))
        break
      case '--only':
        only = value().split(',').filter(Boolean)
        break
      case '--write-docs':
        writeDocs = true
        break
      case '--profile':
        profile = true
        break
      case '--load': {
        const v = value()
        if (v === 'both') loads = ['quiet', 'busy']
        else if (v === 'quiet' || v === 'busy') loads = [v]
        else throw new Error(`--load must be quiet, busy or both, got ${v}`)
        break
      }
      case '--isolate':
        isolate = true
        break
      case '--shared':
        isolate = false
        break
      case '--no-gc':
        setHarnessOptions({ gcBeforeMeasuring: false })
        break
      case '--rewarm': {
        const v = Number(value())
        if (!(v >= 0)) throw new Error('--rewarm must be a number >= 0')
        setHarnessOptions({ rewarmSeconds: v })
        break
      }
      case '--shared-loop':
        setHarnessOptions({ sharedCycleLoop: true })
        break
      case '--clock-every':
        setHarnessOptions({ cyclesPerClockRead: positiveNumber(flag, value(), true) })
        break
      case '--list':
        list = true
        break
      case '-h':
      case '--help':
        help = true
        break
      default:
        if (flag.startsWith('-')) throw new Error(`unknown flag ${flag} (see --help)`)
        names.push(flag)
    }
  }
  return { names, settings: { rounds, seconds, warmupSeconds, concurrency, only, writeDocs, loads, isolate }, list, help, profile }
}

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${text}`)
  return n
}

/**
 * Runs this same command again in a child node with --expose-gc (the soak
 * scenario measures heap after a forced GC, and every measurement starts
 * after one), and with --cpu-prof when profiling. Same loader flags, same
 * arguments.
 */
function respawn(profile: boolean): never {
  const extra = ['--expose-gc']
  if (profile) {
    const dir = join(RESULTS_DIR, 'profiles')
    mkdirSync(dir, { recursive: true })
    extra.push('--cpu-prof', `--cpu-prof-dir=${dir}`)
  }
  const child = spawnSync(process.execPath, [...process.execArgv, ...extra, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_FLAG]: '1' },
  })
  process.exit(child.status ?? 1)
}

function usage(): void {
  console.log(
    `usage: pnpm bench [scenario ...] [--rounds N] [--seconds S] [--warmup S] [--concurrency 1,16] [--only name,...] [--load quiet|busy|both] [--isolate|--shared] [--write-docs] [--profile] [--list]\n` +
      `       harness knobs: [--no-gc] [--rewarm S] [--shared-loop] [--clock-every N]\n`,
  )
  listScenarios()
}

function listScenarios(): void {
  for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(16)} ${s.summary} (default ${s.defaults.rounds} rounds x ${s.defaults.seconds}s, ${(s.defaults.loads ?? ['quiet']).join(' + ')})`)
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    usage()
    return 0
  }
  if (args.list) {
    listScenarios()
    return 0
  }
  const unknown = args.names.filter((n) => !SCENARIOS.some((s) => s.name === n))
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; one of:`)
    listScenarios()
    return 2
  }
  if (process.env[CHILD_FLAG] !== '1' && (!gcExposed() || args.profile)) respawn(args.profile)

  const selected = args.names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => args.names.includes(s.name))
  const machine = machineInfo()
  const command = ['pnpm bench', ...process.argv.slice(2)].join(' ')
  const runStartedAt = new Date().toISOString()
  console.log(`Sluice benchmarks on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, load ${machine.loadAverage}`)
  const results: ScenarioResult[] = []
  let failed = 0
  for (const scenario of selected) {
    const startedAt = new Date().toISOString()
    // the load average where this scenario starts: context for its spread
    const scenarioMachine = machineInfo()
    console.log(`\n== ${scenario.name}: ${scenario.summary} (load ${scenarioMachine.loadAverage})`)
    const context = new ScenarioContext(scenario, args.settings, { results: RESULTS_DIR, docsAssets: DOCS_ASSETS })
    let result: ScenarioResult
    try {
      result = await scenario.run(context)
    } catch (error) {
      failed++
      console.error(`!! ${scenario.name} failed:`, error instanceof Error ? (error.stack ?? error.message) : error)
      continue
    }
    const meta: RunMeta = { machine: scenarioMachine, command, startedAt, finishedAt: new Date().toISOString() }
    results.push(result)
    const json = writeJson(RESULTS_DIR, result, meta)
    const md = writeMarkdown(RESULTS_DIR, result, meta)
    console.log(`  wrote ${relative(json)} and ${relative(md)}`)
    for (const t of result.targets) console.log(`  target ${t.met === undefined ? 'n/a' : t.met ? 'MET' : 'NOT MET'}: ${t.target}. ${t.detail}`)
    for (const n of result.notes) console.log(`  note: ${n}`)
    if (args.settings.writeDocs) {
      ensureDocs()
      // the page's machine block names the latest run; each scenario section says when and how it was measured
      updateDocsSection(DOCS_FILE, 'machine', machineMarkdown({ ...meta, machine, startedAt: runStartedAt }))
      if (updateDocsSection(DOCS_FILE, scenario.name, scenarioMarkdown(result, meta))) console.log(`  updated ${relative(DOCS_FILE)}`)
      else console.log(`  ${relative(DOCS_FILE)} has no bench:${scenario.name} markers; section not written`)
    }
  }
  console.log('\n== headline: Sluice ÷ peer (median of paired rounds)')
  for (const r of results) {
    for (const c of r.cases) {
      if (c.ratios.length === 0) continue
      console.log(`  ${r.name.padEnd(15)} ${c.label.padEnd(30)} ${c.ratios.map((x) => `÷${x.peer} ${formatRatio(x.median)}`).join('  ')}`)
      for (const l of c.libraries) {
        console.log(`  ${''.padEnd(15)} ${''.padEnd(30)} ÷${l.library} fastest (${l.fastest.name}) ${formatRatio(l.fastest.ratio.median)}`)
      }
    }
  }
  return failed > 0 ? 1 : 0
}

/** A skeleton page with a marker pair per scenario, for a checkout without docs/benchmarks.md. */
function ensureDocs(): void {
  if (existsSync(DOCS_FILE)) return
  mkdirSync(join(REPO_DIR, 'docs'), { recursive: true })
  const sections = SCENARIOS.map((s) => `## ${s.title}\n\n<!-- bench:${s.name}:start -->\n<!-- bench:${s.name}:end -->\n`).join('\n')
  writeFileSync(DOCS_FILE, `# Benchmarks\n\n<!-- bench:machine:start -->\n<!-- bench:machine:end -->\n\n${sections}`)
}

function relative(file: string): string {
  return file.startsWith(REPO_DIR) ? file.slice(REPO_DIR.length) : file
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(2)
  },
)
