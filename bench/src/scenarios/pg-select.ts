import { PG_URL, POOL_MAX } from '../config.js'
import { knexPgApi } from '../contenders/knex.js'
import { pgPoolApi } from '../contenders/pg.js'
import { pgbenchContender } from '../contenders/pgbench.js'
import { postgresJsApi } from '../contenders/postgres-js.js'
import { sluicePgApi } from '../contenders/sluice.js'
import type { SqlApi } from '../contenders/sql-api.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { ratioTarget, runSelectCases, throughputPlot } from './select-common.js'

export const pgSelect: Scenario = {
  name: 'pg-select',
  title: 'PostgreSQL: SELECT 1 and a point select',
  summary: 'SELECT 1 and a point select at 1/16/64/256 callers, max 10: Sluice vs pg.Pool, postgres.js, Knex, pgbench ceiling',
  defaults: { rounds: 5, seconds: 0.6 },
  async run(context: ScenarioContext) {
    await ensurePgAccounts()
    const sluice = await sluicePgApi(PG_URL, POOL_MAX)
    const apis: SqlApi[] = [sluice]
    for (const [name, create] of [
      ['pg.Pool', () => pgPoolApi(PG_URL, POOL_MAX)],
      ['postgres.js', () => postgresJsApi(PG_URL, POOL_MAX)],
      ['Knex', () => knexPgApi(PG_URL, POOL_MAX)],
    ] as const) {
      const api = await context.setUp<SqlApi>(name, create)
      if (api) apis.push(api)
    }
    const withPgbench = context.includes('pgbench')
    try {
      const cases = await runSelectCases(
        context,
        'pg-',
        apis,
        (query) => (withPgbench ? [pgbenchContender(PG_URL, query, POOL_MAX)] : []),
        [1, 16, 64, 256],
      )
      const plots: string[] = []
      for (const [part, label, file, withCeiling] of [
        ['select1', 'SELECT 1', 'pg-select-1.svg', true],
        ['select1', 'SELECT 1', 'pg-select-1-pools.svg', false],
        ['point', 'point select', 'pg-point-select.svg', true],
      ] as const) {
        const subtitle = withCeiling ? 'pool max 10; pgbench: the server ceiling with min(callers, 10) sessions' : 'the Node clients only (no pgbench), so their differences are visible'
        const svg = throughputPlot(cases, part, `PostgreSQL ${label}: throughput vs concurrency`, subtitle, withCeiling)
        plots.push(`![PostgreSQL ${label} throughput vs concurrency${withCeiling ? '' : ', pools only'}](${context.writeArtifact(file, svg)})`)
      }
      return context.result({
        name: this.name,
        title: this.title,
        description:
          '`SELECT 1 AS one` and `SELECT * FROM bench_accounts WHERE id = $1` (10,000 rows, random id) from N concurrent callers, every pool capped at 10 connections. ' +
          'Sluice `pool.query()`, `pg.Pool#query`, porsager `postgres` tagged templates (max 10, prepared statements on, its default), `knex.raw` on its default tarn pool. ' +
          'pgbench runs the same statement with min(N, 10) clients on one thread (`-j 1`), `-M simple` for SELECT 1 and `-M extended` for the point select (the protocols pg uses), as the ceiling.',
        cases,
        targets: [ratioTarget(cases, 'select1', 'pg.Pool', 0.97, 'SELECT 1'), ratioTarget(cases, 'point', 'pg.Pool', 0.97, 'Point select (informational)')],
        extraMarkdown: plots.join('\n\n'),
      })
    } finally {
      await Promise.allSettled(apis.map((api) => api.close()))
    }
  },
}
