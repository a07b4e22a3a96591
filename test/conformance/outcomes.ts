import { existsSync, readFileSync } from 'node:fs'
import { relative } from 'node:path'

/** What became of one upstream test in one run. `not-run`: listed by the suite, but never reached (a failed hook). */
export type Outcome = 'passed' | 'failed' | 'pending' | 'not-run'

/** One run's outcomes by test id (`file > full title`). */
export type Outcomes = Map<string, Outcome>

interface MochaTest {
  readonly fullTitle: string
  readonly file?: string
}

interface MochaReport {
  readonly passes: readonly MochaTest[]
  readonly failures: readonly MochaTest[]
  readonly pending: readonly MochaTest[]
}

interface VitestReport {
  readonly testResults: ReadonlyArray<{
    readonly name: string
    readonly status?: string
    readonly message?: string
    readonly assertionResults: ReadonlyArray<{ readonly fullName: string; readonly status: string }>
  }>
}

/** Test ids made unique: a title that occurs twice in one file gets ` #2`. */
function idMaker(): (file: string, title: string) => string {
  const seen = new Map<string, number>()
  return (file, title) => {
    const id = `${file} > ${title}`
    const count = (seen.get(id) ?? 0) + 1
    seen.set(id, count)
    return count === 1 ? id : `${id} #${count}`
  }
}

/**
 * Reads mocha's JSON report (`--reporter json`). A failing hook shows up as a
 * failure named after the hook (`"before all" hook for ...`), which is kept:
 * it is what explains the tests that then never ran. `listed` (the same run
 * with `--dry-run`) names every test, so those are counted as `not-run`.
 */
export function mochaOutcomes(reportFile: string, root: string, listedFile?: string): Outcomes {
  const outcomes: Outcomes = new Map()
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MochaReport
  const id = idMaker()
  const add = (tests: readonly MochaTest[], outcome: Outcome) => {
    for (const test of tests) outcomes.set(id(relative(root, test.file ?? ''), test.fullTitle), outcome)
  }
  // a test retried or failing in afterEach may be listed twice: the worst outcome wins
  add(report.passes, 'passed')
  add(report.pending, 'pending')
  const failed = idMaker()
  for (const test of report.failures) outcomes.set(failed(relative(root, test.file ?? ''), test.fullTitle), 'failed')
  if (listedFile !== undefined && existsSync(listedFile)) {
    const listed = JSON.parse(readFileSync(listedFile, 'utf8')) as MochaReport
    const listedId = idMaker()
    for (const test of [...listed.passes, ...listed.pending, ...listed.failures]) {
      const key = listedId(relative(root, test.file ?? ''), test.fullTitle)
      if (!outcomes.has(key)) outcomes.set(key, 'not-run')
    }
  }
  return outcomes
}

const VITEST_STATUS: Readonly<Record<string, Outcome>> = { passed: 'passed', failed: 'failed', skipped: 'pending', pending: 'pending', todo: 'pending' }

/** Reads vitest's JSON report (`--reporter=json`); `rename` maps a patched copy's file name back to the original's. */
export function vitestOutcomes(reportFile: string, root: string, rename: (file: string) => string = (file) => file): Outcomes {
  const outcomes: Outcomes = new Map()
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport
  const id = idMaker()
  for (const file of report.testResults) {
    const name = rename(relative(root, file.name))
    // a file that failed before any test ran (an import error): one failure that says so
    if (file.assertionResults.length === 0 && file.status === 'failed') outcomes.set(id(name, `(file failed: ${file.message?.split('\n')[0] ?? ''})`), 'failed')
    for (const test of file.assertionResults) outcomes.set(id(name, test.fullName), VITEST_STATUS[test.status] ?? 'failed')
  }
  return outcomes
}

/** Counts per outcome. */
export function tally(outcomes: Outcomes): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, pending: 0, 'not-run': 0 }
  for (const outcome of outcomes.values()) counts[outcome]++
  return counts
}
