import { MYSQL_URL, POOL_MAX } from '../config.js'
import { ensureMysqlAccounts } from '../fixtures/accounts.js'
import type { ContenderHost } from '../harness/hosted.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { contenderModule, ratioTarget, runSelectCases, selectHosts, type SelectClient } from './select-common.js'

const CLIENTS: readonly SelectClient[] = [
  { name: 'Sluice', module: contenderModule('sluice.js'), factory: 'sluiceMysqlHost', args: [MYSQL_URL, POOL_MAX] },
  { name: 'mysql2 pool.query', module: contenderModule('mysql2.js'), factory: 'mysql2PoolHost', args: [MYSQL_URL, POOL_MAX, 'query'] },
  { name: 'mysql2 pool.execute', module: contenderModule('mysql2.js'), factory: 'mysql2PoolHost', args: [MYSQL_URL, POOL_MAX, 'execute'] },
]

export const mysqlSelect: Scenario = {
  name: 'mysql-select',
  title: 'MySQL/MariaDB: SELECT 1 and a point select',
  summary: 'SELECT 1 and a point select at 1/16/64/256 callers, max 10, quiet and busy: Sluice vs mysql2 pool (query and execute)',
  defaults: { rounds: 5, seconds: 0.6, loads: ['quiet', 'busy'], isolate: true },
  async run(context: ScenarioContext) {
    await ensureMysqlAccounts()
    let hosts: ContenderHost[] = []
    try {
      hosts = await selectHosts(context, CLIENTS)
      const cases = await runSelectCases(context, 'mysql-', hosts, () => [], [1, 16, 64, 256])
      return context.result({
        name: this.name,
        title: this.title,
        description:
          '`SELECT 1 AS one` and `SELECT * FROM bench_accounts WHERE id = ?` (10,000 rows, random id) against the local MariaDB, every pool capped at 10 connections. ' +
          'Sluice `pool.query()` with default options (its dialect uses mysql2 connections and, by default, the text protocol) against mysql2\'s own pool through `mysql2/promise`, with `pool.query` (text protocol) and `pool.execute` (server-side prepared statements, cached per connection). ' +
          'Each case runs quiet, then busy (a neighbour process of ours burning one of the two cores).',
        cases,
        targets: [
          ratioTarget(cases, 'select1', 'mysql2', 1.0, 'SELECT 1', { against: 'fastest' }),
          ratioTarget(cases, 'point', 'mysql2', 1.0, 'Point select', { against: 'fastest' }),
        ],
      })
    } finally {
      await Promise.allSettled(hosts.map((h) => h.close()))
    }
  },
}
