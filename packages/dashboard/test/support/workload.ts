import type { Pool } from '@sluice/core'

export interface Workload {
  /** Statements this workload started. */
  readonly started: () => number
  stop(): Promise<void>
}

/**
 * Keeps `concurrency` workflows of `statement` running on `pool` until
 * stopped, or for at most `limitMillis` (a forgotten workload ends by itself).
 */
export function runWorkload(pool: Pool, run: (pool: Pool) => Promise<unknown>, { concurrency = 4, workflow = 'load', pauseMillis = 5, limitMillis = 30_000 } = {}): Workload {
  let stopped = false
  let started = 0
  const deadline = Date.now() + limitMillis
  const worker = async () => {
    while (!stopped && Date.now() < deadline) {
      started++
      await pool.runWorkflow(workflow, () => run(pool))
      await new Promise((resolve) => setTimeout(resolve, pauseMillis))
    }
  }
  const workers = Promise.all(Array.from({ length: concurrency }, worker))
  return {
    started: () => started,
    async stop() {
      stopped = true
      await workers
    },
  }
}
