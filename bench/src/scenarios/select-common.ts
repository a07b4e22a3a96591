import type { QueryName, SqlApi } from '../contenders/sql-api.js'
import { QUERY_LABELS, sqlContender } from '../contenders/sql-api.js'
import { formatRatio } from '../harness/format.js'
import type { ScenarioContext } from '../harness/scenario.js'
import { lineChart, type PlotSeries } from '../harness/svg.js'
import type { CaseResult, Contender, TargetResult } from '../harness/types.js'

/** Runs both statements at every concurrency over the given clients (shared by pg-select and mysql-select). */
export async function runSelectCases(
  context: ScenarioContext,
  prefix: string,
  apis: readonly SqlApi[],
  extra: (query: QueryName) => Contender[],
  concurrencies: readonly number[],
): Promise<CaseResult[]> {
  const cases: CaseResult[] = []
  for (const query of ['select1', 'point'] as const) {
    for (const concurrency of context.concurrencies(concurrencies)) {
      cases.push(
        await context.runCase({
          id: `${prefix}${query}@${concurrency}`,
          label: `${QUERY_LABELS[query]}, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
          concurrency,
          unit: 'queries',
          contenders: [...apis.map((api) => sqlContender(api, query)), ...extra(query)],
        }),
      )
    }
  }
  return cases
}

/** "Sluice ≥ 0.97x <peer> at every concurrency" for one statement. */
export function ratioTarget(cases: readonly CaseResult[], idPart: string, peer: string, floor: number, what: string): TargetResult {
  const relevant = cases.filter((c) => c.id.includes(idPart))
  const ratios = relevant.map((c) => ({ c, r: c.ratios.find((x) => x.peer === peer) })).filter((x) => x.r !== undefined)
  if (ratios.length === 0) return { target: `${what} through Sluice ≥ ${floor}x ${peer} at every concurrency`, met: undefined, detail: 'not measured' }
  const met = ratios.every((x) => x.r!.median >= floor)
  return {
    target: `${what} through Sluice ≥ ${floor}x ${peer} at every concurrency`,
    met,
    detail: ratios.map((x) => `${x.c.concurrency}: ${formatRatio(x.r!.median)}`).join(', '),
  }
}

/** Throughput against concurrency, one line per contender, for the cases whose id contains `idPart`. */
export function throughputPlot(cases: readonly CaseResult[], idPart: string, title: string, subtitle: string, withCeiling = true): string {
  const relevant = cases.filter((c) => c.id.includes(idPart))
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
