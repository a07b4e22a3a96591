import { PG_URL, POOL_MAX, expectedBalance, randomAccountId } from '../config.js'
import { drizzleSluice, drizzleStock } from '../contenders/orm/drizzle.js'
import { knexPgNative, knexSluice, knexStock } from '../contenders/orm/knex.js'
import { kyselySluice, kyselyStock } from '../contenders/orm/kysely.js'
import type { OrmClient } from '../contenders/orm/orm-pair.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import { formatRatio } from '../harness/format.js'
import { closedLoop } from '../harness/load.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

const CALLERS = 16

type Factory = (url: string, max: number) => Promise<OrmClient>

/** Each ORM on Sluice and on its stock set-up: the default first, then its fastest documented one where there is one. */
const ORMS: ReadonlyArray<{ orm: string; sluice: Factory; stock: readonly Factory[] }> = [
  { orm: 'Kysely', sluice: kyselySluice, stock: [kyselyStock] },
  { orm: 'Knex', sluice: knexSluice, stock: [knexStock, knexPgNative] },
  { orm: 'Drizzle', sluice: drizzleSluice, stock: [drizzleStock] },
]

const TARGET = 1.3

function ormContender(client: OrmClient, library?: string, isDefault?: boolean): Contender {
  return {
    name: client.name,
    role: client.role,
    library,
    isDefault,
    check: async () => {
      const rows = await client.point(4242)
      if (rows.length !== 1 || Number(rows[0]?.id) !== 4242 || Number(rows[0]?.balance) !== expectedBalance(4242)) {
        throw new Error(`point select of id 4242 returned ${JSON.stringify(rows)}`)
      }
    },
    measure: (options) => closedLoop(() => client.point(randomAccountId()), options),
  }
}

export const ormScenario: Scenario = {
  name: 'orm',
  title: 'ORMs: Kysely, Knex, Drizzle on Sluice vs their stock pools',
  summary: `the same ORM point select at ${CALLERS} callers, each ORM on Sluice (via @sluice/kysely, @sluice/knex, @sluice/drizzle) vs on its stock pool`,
  // 3 s rounds: the full GC before each round throws away Drizzle's and pg-protocol's optimized code, and at
  // an ORM's rate the 0.2 s re-warm does not win it back; a 1 s round measured mostly the re-optimizing
  defaults: { rounds: 4, seconds: 3, loads: ['quiet', 'busy'] },
  async run(context: ScenarioContext) {
    await ensurePgAccounts()
    const cases: CaseResult[] = []
    const skipped: string[] = []
    for (const { orm, sluice, stock } of ORMS) {
      if (!context.includes(orm)) continue
      let onSluice: OrmClient | undefined
      try {
        onSluice = await sluice(PG_URL, POOL_MAX)
        // one query before measuring: an adapter that imports but cannot run a statement is skipped with its error
        await ormContender(onSluice).check()
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error)
        const line = `${orm} on Sluice skipped: ${reason.startsWith('not yet available') ? reason : `not yet usable (${reason})`}`
        console.log(`  - ${line}`)
        skipped.push(line)
        await onSluice?.close().catch(() => undefined)
        continue
      }
      const stocks: Contender[] = []
      const opened: OrmClient[] = [onSluice]
      for (const [i, factory] of stock.entries()) {
        const client = await context.setUp(`${orm} stock #${i + 1}`, () => factory(PG_URL, POOL_MAX))
        if (!client) continue
        opened.push(client)
        stocks.push(ormContender(client, `${orm} stock`, i === 0))
      }
      try {
        cases.push(
          ...(await context.runCase({
            id: `orm-${orm.toLowerCase()}@${CALLERS}`,
            label: `${orm}, point select, ${CALLERS} callers`,
            concurrency: CALLERS,
            unit: 'queries',
            contenders: [ormContender(onSluice), ...stocks],
          })),
        )
      } finally {
        await Promise.allSettled(opened.map((c) => c.close()))
      }
    }
    return context.result({
      name: this.name,
      title: this.title,
      description:
        `Each ORM's idiomatic point select (\`selectFrom().selectAll().where()\`, \`knex(table).where()\`, \`db.select().from().where(eq())\`) on bench_accounts, ${CALLERS} callers, pool max ${POOL_MAX}: ` +
        'on Sluice through its adapter, and on the pool the ORM ships with (pg.Pool for Kysely and Drizzle, tarn for Knex; Knex also with its `pgnative` client, pg-native over libpq, its fastest documented configuration). Each case runs quiet, then busy. ' +
        'The ratio is per ORM (Sluice-backed ÷ stock); columns are shared, so a row has numbers only in its own ORM\'s two columns.',
      cases,
      notes: skipped,
      targets: cases.map((c) => {
        const l = c.libraries[0]
        const vsDefault = l?.byDefault?.ratio.median
        return {
          target: `${c.label}: Sluice-backed ≥ ${TARGET}x the stock set-up`,
          met: vsDefault === undefined ? undefined : vsDefault >= TARGET,
          detail: c.ratios.map((r) => `÷ ${r.peer} ${formatRatio(r.median)}`).join(', ') + (l && l.fastest.name !== l.byDefault?.name ? ` (fastest stock: ${l.fastest.name})` : ''),
        }
      }),
    })
  },
}
