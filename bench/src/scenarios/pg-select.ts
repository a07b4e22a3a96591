import { PG_URL, POOL_MAX } from '../config.js'
import { pgbenchContender } from '../contenders/pgbench.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import type { ContenderHost } from '../harness/hosted.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { contenderModule, ratioTarget, runSelectCases, selectHosts, throughputPlot, type SelectClient } from './select-common.js'

/**
 * Sluice and each peer, by default and in its fastest documented
 * configuration. Knex runs in the `orm` scenario (stock, with pg-native, on
 * Sluice): five pools of 10 here already hold 50 of the server's 100
 * connections, which other test runs on this machine share.
 */
const CLIENTS: readonly SelectClient[] = [
  { name: 'Sluice', module: contenderModule('sluice.js'), factory: 'sluicePgHost', args: [PG_URL, POOL_MAX] },
  { name: 'pg.Pool', module: contenderModule('pg.js'), factory: 'pgPoolHost', args: [PG_URL, POOL_MAX, false] },
  { name: 'pg.Pool, idleTimeoutMillis: 0', module: contenderModule('pg.js'), factory: 'pgPoolHost', args: [PG_URL, POOL_MAX, true] },
  { name: 'postgres.js', module: contenderModule('postgres-js.js'), factory: 'postgresJsHost', args: [PG_URL, POOL_MAX, true] },
  { name: 'postgres.js, prepare: false', module: contenderModule('postgres-js.js'), factory: 'postgresJsHost', args: [PG_URL, POOL_MAX, false] },
]

export const pgSelect: Scenario = {
  name: 'pg-select',
  title: 'PostgreSQL: SELECT 1 and a point select',
  summary: 'SELECT 1 and a point select at 1/16/64/256 callers, max 10, quiet and busy: Sluice vs pg.Pool and postgres.js (default and fastest configuration), pgbench ceiling',
  defaults: { rounds: 5, seconds: 0.6, loads: ['quiet', 'busy'], isolate: true },
  async run(context: ScenarioContext) {
    await ensurePgAccounts()
    let hosts: ContenderHost[] = []
    try {
      hosts = await selectHosts(context, CLIENTS)
      const withPgbench = context.includes('pgbench')
      const cases = await runSelectCases(context, 'pg-', hosts, (query) => (withPgbench ? [pgbenchContender(PG_URL, query, POOL_MAX)] : []), [1, 16, 64, 256])
      const plots: string[] = []
      for (const load of context.loads) {
        for (const [part, label, file, withCeiling] of [
          ['select1', 'SELECT 1', 'pg-select-1', true],
          ['select1', 'SELECT 1', 'pg-select-1-pools', false],
          ['point', 'point select', 'pg-point-select', true],
        ] as const) {
          const subtitle = `${load === 'busy' ? 'busy machine (a neighbour burns one core); ' : ''}${withCeiling ? 'pool max 10; pgbench: the server ceiling with min(callers, 10) sessions' : 'the Node clients only (no pgbench), so their differences are visible'}`
          const svg = throughputPlot(cases, part, `PostgreSQL ${label}: throughput vs concurrency`, subtitle, withCeiling, load)
          const name = `${file}${load === 'busy' ? '-busy' : ''}.svg`
          plots.push(`![PostgreSQL ${label} throughput vs concurrency${withCeiling ? '' : ', pools only'}${load === 'busy' ? ', busy' : ''}](${context.writeArtifact(name, svg)})`)
        }
      }
      return context.result({
        name: this.name,
        title: this.title,
        description:
          '`SELECT 1 AS one` and `SELECT * FROM bench_accounts WHERE id = $1` (10,000 rows, random id) from N concurrent callers, every pool capped at 10 connections. ' +
          'Sluice `pool.query()` with default options; `pg.Pool#query` as shipped and with `idleTimeoutMillis: 0` (its fastest documented setting: no idle timer per release); ' +
          'porsager `postgres` tagged templates as shipped (`prepare: true`, named prepared statements) and with `prepare: false`. ' +
          'pgbench runs the same statement with min(N, 10) clients on one thread (`-j 1`), `-M simple` for SELECT 1 and `-M extended` for the point select (the protocols pg uses), as the ceiling. ' +
          'Each case runs quiet, then busy (a neighbour process of ours burning one of the two cores).',
        cases,
        targets: [
          ratioTarget(cases, 'select1', 'pg.Pool', 1.0, 'SELECT 1'),
          ratioTarget(cases, 'point', 'pg.Pool', 1.0, 'Point select'),
          ratioTarget(cases, 'select1', 'postgres.js', 1.0, 'SELECT 1', { against: 'fastest', concurrencies: [64, 256] }),
          ratioTarget(cases, 'point', 'postgres.js', 1.0, 'Point select', { against: 'fastest', concurrencies: [64, 256] }),
        ],
        extraMarkdown: plots.join('\n\n'),
      })
    } finally {
      await Promise.allSettled(hosts.map((h) => h.close()))
    }
  },
}
