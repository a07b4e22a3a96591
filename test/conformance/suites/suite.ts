import type { Outcomes } from '../outcomes.js'
import type { Orm } from '../servers.js'

export type Variant = 'stock' | 'sluice'

/** One process to start: the suite's runner, with its environment, writing a JSON report. */
export interface SuiteCommand {
  readonly cwd: string
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string>>
}

/**
 * What the harness knows about one upstream suite: how to ready a checkout
 * (install what it needs, inject the Sluice client), how to run it for one
 * database on the stock driver or on Sluice, and how to read its report.
 * The checkout's own test files stay as they are, except where a recipe says
 * which lines it changes and why.
 */
export interface SuiteRecipe {
  readonly orm: Orm
  /** The databases this harness runs, as named on its command line, with the suite's own name for each. */
  readonly databases: Readonly<Record<string, string>>
  /** The upstream tag the checkout should be at, and the installed release it is compared with. */
  readonly tag: string
  prepare(checkout: string): Promise<void>
  /** The folder (under `<checkout>/.sluice/`) for this configuration's results; `results` unless a recipe has variants of its own. */
  resultsFolder?(): string
  /** Commands to run in order; the last one writes `report`. A `list` command (mocha `--dry-run`) may write `listed`. */
  commands(checkout: string, database: string, variant: Variant, files: { readonly report: string; readonly listed: string }): SuiteCommand[]
  outcomes(checkout: string, files: { readonly report: string; readonly listed: string }): Outcomes
}
