import type { Scenario } from '../harness/scenario.js'
import { adaptiveScenario } from './adaptive.js'
import { contention } from './contention.js'
import { mysqlSelect } from './mysql-select.js'
import { ormScenario } from './orm.js'
import { pgSelect } from './pg-select.js'
import { pipeliningScenario } from './pipelining.js'
import { planRegressionScenario } from './plan-regression.js'
import { poolOverhead } from './pool-overhead.js'
import { routingScenario } from './routing.js'
import { soakScenario } from './soak.js'
import { sqliteScenario } from './sqlite.js'
import { statementCacheScenario } from './statement-cache.js'

/** Every scenario, in the order `pnpm bench` runs them (the ORM one last: its adapters are the newest code). */
export const SCENARIOS: readonly Scenario[] = [
  poolOverhead,
  pgSelect,
  pipeliningScenario,
  statementCacheScenario,
  planRegressionScenario,
  routingScenario,
  mysqlSelect,
  sqliteScenario,
  contention,
  soakScenario,
  adaptiveScenario,
  ormScenario,
]
