import { formatRatio } from './format.js'
import type { CaseResult, TargetResult } from './types.js'

/**
 * One informational (no pass/fail) target per case: Sluice's ratio against
 * `peer`, with its spread over rounds and the CPU ratio.
 */
export function informationalTargets(cases: readonly CaseResult[], peer: string, comparison: string): TargetResult[] {
  return cases.map((c) => {
    const r = c.ratios.find((x) => x.peer === peer)
    return {
      target: `${c.label}: ${comparison} (informational)`,
      met: undefined,
      detail: r ? `${formatRatio(r.median)} throughput (${r.min.toFixed(2)}–${r.max.toFixed(2)} over rounds)${r.cpu ? `, ${formatRatio(r.cpu.median)} CPU per query` : ''}` : 'not measured',
    }
  })
}
