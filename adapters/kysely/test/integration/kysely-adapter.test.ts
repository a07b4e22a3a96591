import { adapterSuite } from '../../../../test/adapters/adapter-suite.js'
import { kyselyHarness } from '../support/kysely-harness.js'
import { mysqlTarget, postgresTarget, sqliteTarget } from '../support/targets.js'

for (const target of [postgresTarget, mysqlTarget, sqliteTarget()]) adapterSuite(kyselyHarness(target))
