/**
 * The conformance harness: runs an ORM's own upstream test suite on the
 * local servers, once on its stock driver and once with the Sluice client
 * swapped in, and compares the outcomes test by test.
 *
 *   pnpm conformance <knex|kysely|drizzle> <postgres|mysql|sqlite> [--only stock|sluice] [--prepare] [--compare]
 *   pnpm conformance report
 *
 * The checkouts live outside the repository: $SLUICE_UPSTREAM/<orm>
 * (default ../upstream/<orm> beside the repository), made as
 * docs/conformance.md describes. Reports, logs and outcomes go to
 * <checkout>/.sluice/results/. SLUICE_KYSELY_BUILD=own runs Kysely's suite
 * against the checkout's own build instead of the installed one.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderComparison, renderSummary, type SummaryRow } from './compare.js'
import { REPO } from './install.js'
import type { Outcome, Outcomes } from './outcomes.js'
import { MYSQL, PG, setupSql, type Orm } from './servers.js'
import { drizzleRecipe } from './suites/drizzle.js'
import { knexRecipe } from './suites/knex.js'
import { kyselyRecipe } from './suites/kysely.js'
import type { SuiteRecipe, Variant } from './suites/suite.js'
import { runCommand } from './run-command.js'

const RECIPES: Readonly<Record<Orm, SuiteRecipe>> = { knex: knexRecipe, kysely: kyselyRecipe, drizzle: drizzleRecipe }
const VARIANTS: readonly Variant[] = ['stock', 'sluice']

function checkoutOf(orm: Orm): string {
  const checkout = join(process.env.SLUICE_UPSTREAM ?? join(REPO, '..', 'upstream'), orm)
  if (!existsSync(join(checkout, 'package.json'))) throw new Error(`[conformance] no ${orm} checkout at ${checkout}: see docs/conformance.md`)
  return checkout
}

function resultFiles(orm: Orm, checkout: string, database: string, variant: Variant) {
  const dir = join(checkout, '.sluice', RECIPES[orm].resultsFolder?.() ?? 'results')
  mkdirSync(dir, { recursive: true })
  const base = join(dir, `${database}-${variant}`)
  return { report: `${base}.report.json`, listed: `${base}.listed.json`, log: `${base}.log`, outcomes: `${base}.outcomes.json` }
}

function prepareServers(orm: Orm): void {
  const sql = setupSql(orm)
  execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.admin, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q'], { input: sql.pg.join(';\n') + '\n', stdio: ['pipe', 'ignore', 'inherit'] })
  execFileSync('mysql', ['-h', MYSQL.host, '-P', String(MYSQL.port), '-u', MYSQL.admin, '-e', sql.mysql.join(';\n')], { stdio: 'inherit' })
}

async function run(orm: Orm, database: string, variant: Variant): Promise<void> {
  const recipe = RECIPES[orm]
  const checkout = checkoutOf(orm)
  const files = resultFiles(orm, checkout, database, variant)
  for (const file of [files.report, files.listed, files.log]) rmSync(file, { force: true })
  const started = Date.now()
  for (const command of recipe.commands(checkout, database, variant, files)) await runCommand(command, files.log)
  if (!existsSync(files.report)) throw new Error(`[conformance] ${orm} ${database} ${variant}: the suite wrote no report; see ${files.log}`)
  const outcomes = recipe.outcomes(checkout, files)
  writeFileSync(files.outcomes, JSON.stringify(Object.fromEntries(outcomes), null, 1))
  console.log(`[conformance] ${orm} ${database} ${variant}: ${outcomes.size} tests in ${Math.round((Date.now() - started) / 1000)} s (log: ${files.log})`)
}

function savedOutcomes(orm: Orm, database: string, variant: Variant): Outcomes | undefined {
  const file = resultFiles(orm, checkoutOf(orm), database, variant).outcomes
  if (!existsSync(file)) return undefined
  return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Outcome>))
}

function comparison(orm: Orm, database: string): string | undefined {
  const stock = savedOutcomes(orm, database, 'stock')
  const sluice = savedOutcomes(orm, database, 'sluice')
  if (!stock || !sluice) return undefined
  const recipe = RECIPES[orm]
  return renderComparison(`${orm} (${recipe.tag}) x ${recipe.databases[database]}`, stock, sluice)
}

async function main(args: string[]): Promise<void> {
  const [orm, database, ...flags] = args
  if (orm === 'report') {
    const present = (Object.keys(RECIPES) as Orm[]).filter((each) => existsSync(join(process.env.SLUICE_UPSTREAM ?? join(REPO, '..', 'upstream'), each)))
    const rows: SummaryRow[] = []
    for (const each of present) {
      for (const db of Object.keys(RECIPES[each].databases)) {
        const stock = savedOutcomes(each, db, 'stock')
        const sluice = savedOutcomes(each, db, 'sluice')
        if (stock && sluice) rows.push({ label: `${each} x ${RECIPES[each].databases[db]}`, stock, sluice })
      }
    }
    console.log(`${renderSummary(rows)}\n`)
    for (const each of present) {
      for (const db of Object.keys(RECIPES[each].databases)) console.log(`${comparison(each, db) ?? `### ${each} x ${db}\n\nnot run yet`}\n`)
    }
    return
  }
  if (orm === undefined || !(orm in RECIPES) || database === undefined || !(database in RECIPES[orm as Orm].databases)) {
    throw new Error('usage: pnpm conformance <knex|kysely|drizzle> <postgres|mysql|sqlite> [--only stock|sluice] [--compare] | pnpm conformance report')
  }
  const recipe = RECIPES[orm as Orm]
  const only = flags.includes('--only') ? (flags[flags.indexOf('--only') + 1] as Variant) : undefined
  if (!flags.includes('--compare')) {
    prepareServers(recipe.orm)
    await recipe.prepare(checkoutOf(recipe.orm))
    if (flags.includes('--prepare')) return
    for (const variant of VARIANTS) if (only === undefined || only === variant) await run(recipe.orm, database, variant)
  }
  console.log(comparison(recipe.orm, database) ?? '[conformance] run both variants to compare them')
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
