/**
 * The peak connection counts of the most recent runs of each workflow type,
 * from which pre-warming learns how many connections a new run will want.
 */
export class UsageHistory {
  readonly #runs = new Map<string, number[]>()
  readonly #size: number

  constructor(size: number) {
    this.#size = size
  }

  record(type: string, peak: number): void {
    let runs = this.#runs.get(type)
    if (!runs) this.#runs.set(type, (runs = []))
    runs.push(peak)
    if (runs.length > this.#size) runs.shift()
  }

  /**
   * The `p`-quantile (nearest rank) of the recent peaks of `type`: a high
   * percentile rather than the maximum, so one freak run does not inflate
   * every later start. 0 for a type never seen.
   */
  need(type: string, p: number): number {
    const runs = this.#runs.get(type)
    if (!runs || runs.length === 0) return 0
    const sorted = [...runs].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0
  }

  /** Recent peaks per type, oldest first. */
  snapshot(): Record<string, readonly number[]> {
    return Object.fromEntries([...this.#runs].map(([type, runs]) => [type, [...runs]]))
  }
}
