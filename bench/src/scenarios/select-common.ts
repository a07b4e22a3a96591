import type { QueryName } from '../contenders/sql-api.js'
import { QUERY_LABELS } from '../contenders/sql-api.js'
import { formatRatio } from '../harness/format.js'
import type { ContenderHost, HostSpec } from '../harness/hosted.js'
import type { ScenarioContext } from '../harness/scenario.js'
import { lineChart, type PlotSeries } from '../harness/svg.js'
import type { CaseResult, Contender, MachineLoad, TargetResult } from '../harness/types.js'

/** A client of the select scenarios: its name in the tables, and how to build it here or in a process of its own. */
export interface SelectClient extends HostSpec {
  readonly name: string
}

/** `new URL()` of a contender module, as a HostSpec wants it. */
export function contenderModule(file: string): string {
  return new URL(`../contenders/${file}`, import.meta.url).href
}

/** Sets up every client that --only keeps; one that cannot be set up is recorded and left out. */
export async function selectHosts(context: ScenarioContext, clients: readonly SelectClient[]): Promise<ContenderHost[]> {
  const hosts: ContenderHost[] = []
  for (const client of clients) {
    const host = await context.host(client.name, client)
    if (host) hosts.push(host)
  }
  return hosts
}

/** Runs both statements at every concurrency over the given clients (shared by pg-select and mysql-select). */
export async function runSelectCases(
  context: ScenarioContext,
  prefix: string,
  hosts: readonly ContenderHost[],
  extra: (query: QueryName) => Contender[],
  concurrencies: readonly number[],
): Promise<CaseResult[]> {
  const cases: CaseResult[] = []
  for (const query of ['select1', 'point'] as const) {
    for (const concurrency of context.concurrencies(concurrencies)) {
      cases.push(
        ...(await context.runCase({
          id: `${prefix}${query}@${concurrency}`,
          label: `${QUERY_LABELS[query]}, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
          concurrency,
          unit: 'queries',
          contenders: [...hosts.map((host) => host.contender(query)), ...extra(query)],
        })),
      )
    }
  }
  return cases
}

/**
 * "Sluice ≥ <floor>x <library> at <concurrencies>, quiet and busy" for one
 * statement, against the library's default configuration or its fastest
 * one in each case (which the detail names).
 */
export function ratioTarget(
  cases: readonly CaseResult[],
  idPart: string,
  library: string,
  floor: number,
  what: string,
  options: { against?: 'default' | 'fastest'; concurrencies?: readonly number[] } = {},
): TargetResult {
  const against = options.against ?? 'default'
  const where = options.concurrencies ? `at ${options.concurrencies.join('/')} callers` : 'at every concurrency'
  const target = `${what} through Sluice ≥ ${floor}x ${library}${against === 'fastest' ? ' (its fastest configuration)' : ''} ${where}, quiet and busy`
  const relevant = cases.filter((c) => c.id.includes(idPart) && (!options.concurrencies || options.concurrencies.includes(c.concurrency)))
  const ratios = relevant
    .map((c) => {
      const l = c.libraries.find((x) => x.library === library)
      const chosen = against === 'fastest' ? l?.fastest : l?.byDefault
      const r = chosen?.ratio ?? c.ratios.find((x) => x.peer === library)
      return { c, r, name: chosen?.name }
    })
    .filter((x) => x.r !== undefined)
  if (ratios.length === 0) return { target, met: undefined, detail: 'not measured' }
  const met = ratios.every((x) => x.r!.median >= floor)
  return {
    target,
    met,
    detail: ratios
      .map((x) => `${x.c.concurrency}${x.c.load === 'busy' ? ' busy' : ''}: ${formatRatio(x.r!.median)}${against === 'fastest' && x.name ? ` (${x.name})` : ''}`)
      .join(', '),
  }
}

/** Throughput against concurrency, one line per contender, for the cases whose id contains `idPart`. */
export function throughputPlot(cases: readonly CaseResult[], idPart: string, title: string, subtitle: string, withCeiling = true, load: MachineLoad = 'quiet'): string {
  const relevant = cases.filter((c) => c.id.includes(idPart) && c.load === load)
  const names: string[] = []
  for (const c of relevant) for (const x of c.contenders) if (!names.includes(x.name) && (withCeiling || x.role !== 'ceiling')) names.push(x.name)
  const series: PlotSeries[] = names.map((name) => ({
    name,
    dashed: relevant.some((c) => c.contenders.some((x) => x.name === name && x.role === 'ceiling')),
    points: relevant.flatMap((c) => {
      const x = c.contenders.find((y) => y.name === name)
      return x ? [{ x: c.concurrency, median: x.summary.median, low: x.summary.min, high: x.summary.max }] : []
    }),
  }))
  return lineChart({ title, subtitle, xLabel: 'concurrent callers (pool max 10; log scale)', yLabel: 'queries per second', series, logX: true })
}
