/** The harness's own logic: reading the runners' reports and comparing two runs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { differences, renderComparison } from './compare.js'
import { mochaOutcomes, vitestOutcomes, type Outcomes } from './outcomes.js'

const dir = mkdtempSync(join(tmpdir(), 'sluice-conformance-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(content))
  return file
}

describe('mochaOutcomes', () => {
  it('reads passes, failures and pending, numbers repeated titles, and counts listed tests that never ran', () => {
    const test = (title: string) => ({ fullTitle: title, file: join(dir, 'a.spec.js') })
    const report = write('report.json', { passes: [test('x'), test('x')], failures: [test('"before all" hook for y')], pending: [test('p')] })
    const listed = write('listed.json', { passes: [test('x'), test('x'), test('p'), test('y'), test('z')], failures: [], pending: [] })
    expect(Object.fromEntries(mochaOutcomes(report, dir, listed))).toEqual({
      'a.spec.js > x': 'passed',
      'a.spec.js > x #2': 'passed',
      'a.spec.js > p': 'pending',
      'a.spec.js > "before all" hook for y': 'failed',
      'a.spec.js > y': 'not-run',
      'a.spec.js > z': 'not-run',
    })
  })
})

describe('vitestOutcomes', () => {
  it("maps vitest's statuses and a patched copy's file name back to the original's", () => {
    const report = write('vitest.json', {
      testResults: [{ name: join(dir, 'tests/pg.sluice.test.ts'), assertionResults: [{ fullName: 'a', status: 'passed' }, { fullName: 'b', status: 'skipped' }, { fullName: 'c', status: 'failed' }] }],
    })
    const outcomes = vitestOutcomes(report, dir, (file) => file.replace('.sluice.test.ts', '.test.ts'))
    expect(Object.fromEntries(outcomes)).toEqual({ 'tests/pg.test.ts > a': 'passed', 'tests/pg.test.ts > b': 'pending', 'tests/pg.test.ts > c': 'failed' })
  })
})

describe('differences', () => {
  it('lists every test whose outcome differs, those that pass on stock only first', () => {
    const stock: Outcomes = new Map([['a', 'passed'], ['b', 'failed'], ['c', 'passed'], ['d', 'pending']])
    const sluice: Outcomes = new Map([['a', 'passed'], ['b', 'passed'], ['c', 'failed'], ['e', 'passed']])
    expect(differences(stock, sluice)).toEqual([
      { test: 'c', stock: 'passed', sluice: 'failed' },
      { test: 'd', stock: 'pending', sluice: 'absent' },
      { test: 'b', stock: 'failed', sluice: 'passed' },
      { test: 'e', stock: 'absent', sluice: 'passed' },
    ])
    expect(renderComparison('x', stock, sluice)).toContain('| stock | 2 / 1 / 1 |')
    expect(renderComparison('x', stock, stock)).toContain('Same outcome for every test.')
  })
})
