import type { Pool } from '@sluice/core'
import { startDashboard, type Dashboard } from '@sluice/dashboard'
import type { DemoHooks } from './demo.js'

export interface DemoDashboardOptions {
  /** How long the page stays up after the run, with the pool open and idle; Ctrl-C ends it sooner. */
  readonly keepOpenSeconds: number
  readonly port?: number
  readonly say?: (line: string) => void
}

/** A quick refresh: the demo's run lasts seconds. */
const DEMO_REFRESH_MILLIS = 250

/**
 * The demo with its live dashboard: opened with the pool (its URL printed
 * before the first order), kept up `keepOpenSeconds` after the summary,
 * then closed before the pool.
 */
export function demoDashboard({ keepOpenSeconds, port = 0, say = console.log }: DemoDashboardOptions): DemoHooks & { readonly dashboard: () => Dashboard | undefined } {
  let dashboard: Dashboard | undefined
  return {
    dashboard: () => dashboard,
    async opened(pool: Pool) {
      dashboard = await startDashboard({ pools: [pool], port, refreshIntervalMillis: DEMO_REFRESH_MILLIS })
      say(`dashboard: ${dashboard.url}  (Prometheus: ${dashboard.prometheusUrl})`)
    },
    async finished() {
      if (keepOpenSeconds > 0) {
        say(`the dashboard stays open for ${keepOpenSeconds} s (Ctrl-C ends it sooner)`)
        await pause(keepOpenSeconds * 1000)
      } else {
        say('the dashboard closes with the demo; `--keep-open 60` keeps it up 60 s after the run')
      }
      await dashboard?.close()
    },
  }
}

function pause(millis: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      process.off('SIGINT', done)
      resolve()
    }
    const timer = setTimeout(done, millis)
    process.once('SIGINT', done)
  })
}
