import { tally, type Outcome, type Outcomes } from './outcomes.js'

/** One test whose outcome on Sluice differs from its outcome on the stock driver. */
export interface Difference {
  readonly test: string
  readonly stock: Outcome | 'absent'
  readonly sluice: Outcome | 'absent'
}

/** Tests whose outcomes differ between the stock run and the Sluice run, worst first (passing on stock only). */
export function differences(stock: Outcomes, sluice: Outcomes): Difference[] {
  const tests = new Set([...stock.keys(), ...sluice.keys()])
  const found: Difference[] = []
  for (const test of tests) {
    const a = stock.get(test) ?? 'absent'
    const b = sluice.get(test) ?? 'absent'
    if (a !== b) found.push({ test, stock: a, sluice: b })
  }
  const rank = (difference: Difference) => (difference.stock === 'passed' ? 0 : difference.sluice === 'passed' ? 2 : 1)
  return found.sort((x, y) => rank(x) - rank(y) || x.test.localeCompare(y.test))
}

/** `passed / failed / pending (+ not-run)`, as the table shows a run. */
export function summary(outcomes: Outcomes): string {
  const counts = tally(outcomes)
  const notRun = counts['not-run'] > 0 ? ` (+${counts['not-run']} not run)` : ''
  return `${counts.passed} / ${counts.failed} / ${counts.pending}${notRun}`
}

/** The comparison of one ORM x database as Markdown: the counts, then every difference. */
export function renderComparison(label: string, stock: Outcomes, sluice: Outcomes): string {
  const found = differences(stock, sluice)
  const lost = found.filter((difference) => difference.stock === 'passed').length
  const lines = [
    `### ${label}`,
    '',
    '| run | passed / failed / pending |',
    '| --- | --- |',
    `| stock | ${summary(stock)} |`,
    `| Sluice | ${summary(sluice)} |`,
    '',
    found.length === 0 ? 'Same outcome for every test.' : `${found.length} tests differ (${lost} pass on stock only):`,
  ]
  if (found.length > 0) lines.push('', ...found.map((difference) => `- ${difference.stock} -> ${difference.sluice}: ${difference.test}`))
  return lines.join('\n')
}

/** One ORM x database of the summary table. */
export interface SummaryRow {
  readonly label: string
  readonly stock: Outcomes
  readonly sluice: Outcomes
}

/** Every ORM x database in one Markdown table: both runs' counts and how many tests differ. */
export function renderSummary(rows: readonly SummaryRow[]): string {
  const lines = ['| suite x database | stock: passed / failed / pending | Sluice: passed / failed / pending | tests that differ (pass on stock only) |', '| --- | --- | --- | --- |']
  for (const { label, stock, sluice } of rows) {
    const found = differences(stock, sluice)
    const lost = found.filter((difference) => difference.stock === 'passed').length
    lines.push(`| ${label} | ${summary(stock)} | ${summary(sluice)} | ${found.length} (${lost}) |`)
  }
  return lines.join('\n')
}
