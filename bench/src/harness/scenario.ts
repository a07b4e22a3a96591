import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeHarnessOptions } from './harness-options.js'
import { type ContenderHost, type HostSpec, isolatedHost, localHost } from './hosted.js'
import { BusyNeighbour } from './neighbour.js'
import { runCase } from './runner.js'
import type { BenchCase, CaseResult, Contender, MachineLoad, RunSettings, ScenarioResult, Unavailable } from './types.js'

/** A scenario as the CLI sees it. */
export interface Scenario {
  readonly name: string
  readonly title: string
  /** One line for `--list`. */
  readonly summary: string
  /** `loads` defaults to quiet only; the database scenarios run each case quiet and busy. */
  /**
   * `isolate`: each hosted contender in a process of its own unless `--shared`
   * (the scenarios whose contenders share a driver: an app never runs two pools
   * over one driver, and in one process the driver's code is optimized for
   * whichever pool's objects it saw, see docs/benchmarks.md).
   */
  readonly defaults: { readonly rounds: number; readonly seconds: number; readonly loads?: readonly MachineLoad[]; readonly isolate?: boolean }
  run(context: ScenarioContext): Promise<ScenarioResult>
}

export interface ScenarioPaths {
  readonly results: string
  /** docs/benchmarks, where SVG plots go when docs are written. */
  readonly docsAssets: string
}

/**
 * What a scenario gets from the CLI: the effective settings (command line
 * over the scenario's defaults), a case runner that records unavailable
 * contenders, and a place to write artifacts.
 */
export class ScenarioContext {
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  /** The loads each case runs under, in this order. */
  readonly loads: readonly MachineLoad[]
  readonly unavailable: Unavailable[] = []
  readonly notes: string[] = []
  readonly #settings: RunSettings
  readonly #isolate: boolean
  readonly #paths: ScenarioPaths
  readonly #tag: string

  constructor(scenario: Scenario, settings: RunSettings, paths: ScenarioPaths) {
    this.rounds = settings.rounds > 0 ? settings.rounds : scenario.defaults.rounds
    this.seconds = settings.seconds > 0 ? settings.seconds : scenario.defaults.seconds
    this.warmupSeconds = settings.warmupSeconds
    this.loads = settings.loads ?? scenario.defaults.loads ?? ['quiet']
    this.#isolate = settings.isolate ?? scenario.defaults.isolate ?? false
    this.#settings = settings
    this.#paths = paths
    this.#tag = scenario.name
  }

  get writeDocs(): boolean {
    return this.#settings.writeDocs
  }

  /** The scenario's concurrencies, narrowed by `--concurrency` when given. */
  concurrencies(defaults: readonly number[]): number[] {
    const wanted = this.#settings.concurrency
    if (!wanted) return [...defaults]
    const chosen = defaults.filter((c) => wanted.includes(c))
    return chosen.length > 0 ? chosen : [...wanted]
  }

  /** Whether `--only` keeps this contender (for profiling one pool alone: `--only Sluice`, `--only pg.Pool`). */
  includes(name: string): boolean {
    const only = this.#settings.only
    return !only || only.some((o) => name.toLowerCase().includes(o.toLowerCase()))
  }

  select<C extends Contender>(contenders: readonly C[]): C[] {
    return contenders.filter((c) => this.includes(c.name))
  }

  /** Sets up a contender, or records why it could not be and returns undefined. */
  async setUp<T>(name: string, create: () => Promise<T>): Promise<T | undefined> {
    if (!this.includes(name)) return undefined
    try {
      return await create()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      console.log(`  ! ${name} not available: ${reason}`)
      this.unavailable.push({ name, reason })
      return undefined
    }
  }

  /**
   * Builds a contender host (see harness/hosted.ts) in this process, or in a
   * child process of its own with `--isolate`; records why when it cannot be.
   */
  host(name: string, spec: HostSpec): Promise<ContenderHost | undefined> {
    return this.setUp(name, () => (this.#isolate ? isolatedHost(spec) : localHost(spec)))
  }

  get isolated(): boolean {
    return this.#isolate
  }

  /**
   * Runs the case once per load: quiet, then busy (a neighbour process
   * burning one core from the warm-up to the last round). A busy case's id
   * ends in `~busy` and its label in `, busy`.
   */
  async runCase(benchCase: BenchCase): Promise<CaseResult[]> {
    const contenders = this.select(benchCase.contenders)
    const results: CaseResult[] = []
    for (const load of this.loads) {
      const neighbour = load === 'busy' ? BusyNeighbour.start() : undefined
      try {
        const loaded = load === 'busy' ? { ...benchCase, id: `${benchCase.id}~busy`, label: `${benchCase.label}, busy` } : benchCase
        results.push(
          await runCase(
            { ...loaded, contenders },
            { rounds: this.rounds, seconds: benchCase.seconds ?? this.seconds, warmupSeconds: this.warmupSeconds, tag: this.#tag, load },
            this.unavailable,
          ),
        )
      } finally {
        await neighbour?.stop()
      }
    }
    return results
  }

  /** Writes an artifact (an SVG) to bench/results, and to docs/benchmarks with --write-docs. Returns the docs-relative path. */
  writeArtifact(fileName: string, content: string): string {
    mkdirSync(this.#paths.results, { recursive: true })
    writeFileSync(join(this.#paths.results, fileName), content)
    if (this.writeDocs) {
      mkdirSync(this.#paths.docsAssets, { recursive: true })
      writeFileSync(join(this.#paths.docsAssets, fileName), content)
    }
    return `benchmarks/${fileName}`
  }

  /** Stamps the settings on a result. */
  result(fields: Omit<ScenarioResult, 'settings' | 'unavailable' | 'notes'> & { notes?: readonly string[] }): ScenarioResult {
    return {
      ...fields,
      settings: { rounds: this.rounds, seconds: this.seconds, warmupSeconds: this.warmupSeconds, loads: this.loads, isolated: this.isolated, harness: describeHarnessOptions() },
      unavailable: this.unavailable,
      notes: [...this.notes, ...(fields.notes ?? [])],
    }
  }
}
