import { MYSQL_URL, POOL_MAX } from '../config.js'
import { mysql2PoolApi } from '../contenders/mysql2.js'
import { sluiceMysqlApi } from '../contenders/sluice.js'
import type { SqlApi } from '../contenders/sql-api.js'
import { ensureMysqlAccounts } from '../fixtures/accounts.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import { ratioTarget, runSelectCases } from './select-common.js'

export const mysqlSelect: Scenario = {
  name: 'mysql-select',
  title: 'MySQL/MariaDB: SELECT 1 and a point select',
  summary: 'SELECT 1 and a point select at 1/16/64/256 callers, max 10: Sluice vs mysql2 pool (query and execute)',
  defaults: { rounds: 5, seconds: 0.6 },
  async run(context: ScenarioContext) {
    await ensureMysqlAccounts()
    const apis: SqlApi[] = [await sluiceMysqlApi(MYSQL_URL, POOL_MAX)]
    for (const method of ['query', 'execute'] as const) {
      const api = await context.setUp(`mysql2 pool.${method}`, () => mysql2PoolApi(MYSQL_URL, POOL_MAX, method))
      if (api) apis.push(api)
    }
    try {
      const cases = await runSelectCases(context, 'mysql-', apis, () => [], [1, 16, 64, 256])
      return context.result({
        name: this.name,
        title: this.title,
        description:
          '`SELECT 1 AS one` and `SELECT * FROM bench_accounts WHERE id = ?` (10,000 rows, random id) against the local MariaDB, every pool capped at 10 connections. ' +
          'Sluice `pool.query()` (its dialect uses mysql2 connections and the text protocol) against mysql2\'s own pool through `mysql2/promise`, with `pool.query` (text protocol) and `pool.execute` (prepared statements).',
        cases,
        targets: [
          ratioTarget(cases, 'select1', 'mysql2 pool.query', 0.97, 'SELECT 1'),
          ratioTarget(cases, 'select1', 'mysql2 pool.execute', 0.97, 'SELECT 1 (vs execute)'),
        ],
      })
    } finally {
      await Promise.allSettled(apis.map((api) => api.close()))
    }
  },
}
