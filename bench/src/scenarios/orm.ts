import { PG_URL, POOL_MAX } from '../config.js'
import type { OrmSetUp } from '../contenders/orm/orm-host.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import { formatRatio } from '../harness/format.js'
import type { ContenderHost } from '../harness/hosted.js'
import type { Scenario, ScenarioContext } from '../harness/scenario.js'
import type { CaseResult, Contender } from '../harness/types.js'

const CALLERS = 16

/** Each ORM on Sluice and on its stock set-up: the default first, then its fastest documented one where there is one. */
const ORMS: ReadonlyArray<{ orm: string; sluice: OrmSetUp; stock: readonly OrmSetUp[] }> = [
  { orm: 'Kysely', sluice: 'kyselySluice', stock: ['kyselyStock'] },
  { orm: 'Knex', sluice: 'knexSluice', stock: ['knexStock', 'knexPgNative'] },
  { orm: 'Drizzle', sluice: 'drizzleSluice', stock: ['drizzleStock'] },
]

const TARGET = 1.3

const ORM_HOST = new URL('../contenders/orm/orm-host.ts', import.meta.url).href

/** One ORM set-up's host, in a process of its own unless `--shared`; undefined (and recorded) when it cannot be set up. */
function ormHost(context: ScenarioContext, name: string, setUp: OrmSetUp, library?: string, isDefault?: boolean): Promise<ContenderHost | undefined> {
  return context.host(name, { module: ORM_HOST, factory: 'ormHost', args: [setUp, PG_URL, POOL_MAX, library, isDefault] })
}

export const ormScenario: Scenario = {
  name: 'orm',
  title: 'ORMs: Kysely, Knex, Drizzle on Sluice vs their stock pools',
  summary: `the same ORM point select at ${CALLERS} callers, each ORM on Sluice (via @sluice/kysely, @sluice/knex, @sluice/drizzle) vs on its stock pool`,
  // 3 s rounds: the full GC before each round throws away Drizzle's and pg-protocol's optimized code, and at
  // an ORM's rate the 0.2 s re-warm does not win it back; a 1 s round measured mostly the re-optimizing
  defaults: { rounds: 4, seconds: 3, loads: ['quiet', 'busy'], isolate: true },
  async run(context: ScenarioContext) {
    await ensurePgAccounts()
    const cases: CaseResult[] = []
    const skipped: string[] = []
    for (const { orm, sluice, stock } of ORMS) {
      if (!context.includes(orm)) continue
      const onSluice = await ormHost(context, `${orm} on Sluice`, sluice)
      if (onSluice === undefined) {
        if (!context.includes(`${orm} on Sluice`)) continue
        const line = `${orm} on Sluice skipped: ${context.unavailable.at(-1)?.reason ?? 'not set up'}`
        console.log(`  - ${line}`)
        skipped.push(line)
        continue
      }
      const opened: ContenderHost[] = [onSluice]
      for (const [i, setUp] of stock.entries()) {
        const host = await ormHost(context, `${orm} stock #${i + 1}`, setUp, `${orm} stock`, i === 0)
        if (host) opened.push(host)
      }
      try {
        cases.push(
          ...(await context.runCase({
            id: `orm-${orm.toLowerCase()}@${CALLERS}`,
            label: `${orm}, point select, ${CALLERS} callers`,
            concurrency: CALLERS,
            unit: 'queries',
            contenders: opened.map((host): Contender => host.contender('point')),
          })),
        )
      } finally {
        await Promise.allSettled(opened.map((host) => host.close()))
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
