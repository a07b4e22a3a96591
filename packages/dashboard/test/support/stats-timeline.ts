import type { Pool, PoolStats } from '@sluice/core'

/**
 * `pool.stats()` every few ms, so that a number the page shows for a moment
 * can be checked against what the pool said just before and just after it.
 */
export class StatsTimeline {
  readonly #pool: Pool
  readonly #samples: Array<{ at: number; stats: PoolStats }> = []
  readonly #timer: NodeJS.Timeout

  constructor(pool: Pool, everyMillis = 10) {
    this.#pool = pool
    this.#take()
    this.#timer = setInterval(() => this.#take(), everyMillis)
  }

  /** The last sample taken strictly before `at` and the first strictly after (waits for it). */
  async around(at: number): Promise<{ before: PoolStats; after: PoolStats }> {
    while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 5))
    this.#take()
    const before = this.#samples.findLast((s) => s.at < at)
    const after = this.#samples.find((s) => s.at > at)
    if (!before || !after) throw new Error(`no stats around ${at}: the timeline started at ${this.#samples[0]?.at}`)
    return { before: before.stats, after: after.stats }
  }

  /** Connection ids open in any sample within `marginMillis` of `at`. */
  connectionsNear(at: number, marginMillis: number): Set<string> {
    const ids = new Set<string>()
    for (const s of this.#samples) {
      if (Math.abs(s.at - at) <= marginMillis) for (const id of Object.keys(s.stats.currentState.healthScores)) ids.add(id)
    }
    return ids
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  #take(): void {
    this.#samples.push({ at: Date.now(), stats: this.#pool.stats() })
  }
}
