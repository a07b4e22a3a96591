import pg from 'pg'
import { createPool, postgres, type Pool } from '@sluice/core'
import { PG_URL } from '../config.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import { informationalTargets } from '../harness/informational-targets.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

const CALLERS = 2
const MAX = 2

/**
 * The catalogue query Kysely's migrator runs (through `db.introspection.getTables()`)
 * before each migration step, exactly as Kysely 0.28 compiles it for PostgreSQL.
 */
const KYSELY_CATALOGUE_QUERY =
  'select "a"."attname" as "column", "a"."attnotnull" as "not_null", "a"."atthasdef" as "has_default", "c"."relname" as "table", ' +
  '"c"."relkind" as "table_type", "ns"."nspname" as "schema", "typ"."typname" as "type", "dtns"."nspname" as "type_schema", ' +
  'col_description(a.attrelid, a.attnum) as "column_description", ' +
  "pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as \"auto_incrementing\" " +
  'from "pg_catalog"."pg_attribute" as "a" inner join "pg_catalog"."pg_class" as "c" on "a"."attrelid" = "c"."oid" ' +
  'inner join "pg_catalog"."pg_namespace" as "ns" on "c"."relnamespace" = "ns"."oid" ' +
  'inner join "pg_catalog"."pg_type" as "typ" on "a"."atttypid" = "typ"."oid" ' +
  'inner join "pg_catalog"."pg_namespace" as "dtns" on "typ"."typnamespace" = "dtns"."oid" ' +
  'where "c"."relkind" in ($1, $2, $3) and "ns"."nspname" !~ $4 and "ns"."nspname" != $5 and "ns"."nspname" != $6 ' +
  "and has_schema_privilege(ns.nspname, 'USAGE') and \"a\".\"attnum\" >= $7 and \"a\".\"attisdropped\" != $8 " +
  'order by "ns"."nspname", "c"."relname", "a"."attnum"'
const PARAMS = ['r', 'v', 'p', '^pg_', 'information_schema', 'crdb_internal', 0, true]

const GUARDED = 'Sluice, default (named, demoted when slower)'
const UNNAMED = 'Sluice, statementCacheSize: 0 (unnamed)'
const NAMED = 'pg.Pool, named statement (always named)'

/** The guard: the answer lists the columns of the fixture's table. */
function checkRows(rows: ReadonlyArray<Record<string, unknown>>): void {
  if (!rows.some((row) => row.table === 'bench_accounts' && row.column === 'id')) throw new Error(`the catalogue answer lacks bench_accounts.id (${rows.length} rows)`)
}

function sluiceContender(name: string, pool: Pool, role: Contender['role']): Contender {
  const run = async () => checkRows(await pool.query<Record<string, unknown>>(KYSELY_CATALOGUE_QUERY, PARAMS))
  return {
    name,
    role,
    check: run,
    measure: async (options) => {
      const named = () => pool.stats().statements.hits
      const before = named()
      const sample = await closedLoop(run, options)
      return { ...sample, extra: { namedRuns: named() - before } }
    },
  }
}

function namedPgContender(pool: pg.Pool): Contender {
  const run = async () => checkRows((await pool.query({ name: 'bench_kysely_catalogue', text: KYSELY_CATALOGUE_QUERY, values: PARAMS })).rows)
  return { name: NAMED, role: 'peer', check: run, measure: (options) => closedLoop(run, options) }
}

/**
 * Kysely's migrator catalogue query: named (PostgreSQL switches it to a
 * generic plan after five executions), unnamed, and Sluice's default, which
 * notices the slowdown and demotes the statement to unnamed.
 */
export const planRegressionScenario: Scenario = {
  name: 'plan-regression',
  title: 'Generic-plan regression: a catalogue query named, unnamed and demoted',
  summary: `Kysely's migrator catalogue query at ${CALLERS} callers, max ${MAX}: pg.Pool with a named statement vs Sluice unnamed vs Sluice's default (demotes statements slower named)`,
  defaults: { rounds: 5, seconds: 2 },
  async run(context: ScenarioContext) {
    const cases: CaseResult[] = []
    await ensurePgAccounts()
    const guarded = createPool({ dialect: postgres({ connectionString: PG_URL }), min: MAX, max: MAX, log: false })
    const unnamed = createPool({ dialect: postgres({ connectionString: PG_URL, statementCacheSize: 0 }), min: MAX, max: MAX, log: false })
    const named = new pg.Pool({ connectionString: PG_URL, max: MAX })
    try {
      await Promise.all([guarded.ready(), unnamed.ready()])
      for (const concurrency of context.concurrencies([CALLERS])) {
        cases.push(
          ...(await context.runCase({
            id: `plan-regression-kysely-catalogue@${concurrency}`,
            label: `Kysely migrator catalogue query, ${concurrency} caller${concurrency === 1 ? '' : 's'}`,
            concurrency,
            unit: 'queries',
            contenders: context.select([sluiceContender(GUARDED, guarded, 'sluice'), sluiceContender(UNNAMED, unnamed, 'peer'), namedPgContender(named)]),
            extraColumns: [{ key: 'namedRuns', heading: 'runs from the named cache during the round', digits: 0 }],
          })),
        )
      }
    } finally {
      await Promise.allSettled([guarded.close(), unnamed.close(), named.end()])
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        "The catalogue query Kysely's migrator runs before every step (`db.introspection.getTables()`, compiled by Kysely 0.28 for PostgreSQL, 8 parameters), " +
        `from ${CALLERS} callers through pools of max ${MAX}. ` +
        'pg.Pool with a `name` keeps it a named prepared statement for good: after five executions per connection PostgreSQL may run it on a generic plan, which for this query is several times slower than the custom plans. ' +
        "Sluice's statementCacheSize: 0 sends it unnamed (planned every time, as pg.Pool without a name). " +
        "Sluice's default prepares it named, times its first executions on custom plans and its later ones, and runs it unnamed from then on when the later ones are consistently much slower (docs/statement-cache.md). " +
        '"runs from the named cache" shows whether the demotion happened: 0 once demoted.',
      cases,
      targets: informationalTargets(cases, NAMED, 'the default vs always named'),
    })
  },
}
