import { expectedBalance, randomAccountId } from '../../config.js'
import { type ContenderHost, contenderCache } from '../../harness/hosted.js'
import { closedLoop } from '../../harness/load.js'
import { drizzleSluice, drizzleStock } from './drizzle.js'
import { knexPgNative, knexSluice, knexStock } from './knex.js'
import { kyselySluice, kyselyStock } from './kysely.js'
import type { OrmClient } from './orm-pair.js'

/** The ORM set-ups by name, so that a host can be built from a name in a process of its own. */
const SET_UPS = { kyselySluice, kyselyStock, knexSluice, knexStock, knexPgNative, drizzleSluice, drizzleStock } satisfies Record<string, (url: string, max: number) => Promise<OrmClient>>

export type OrmSetUp = keyof typeof SET_UPS

/** The per-round guard: account 4242 through the ORM, with its seeded balance. */
export async function checkOrmClient(client: OrmClient): Promise<void> {
  const rows = await client.point(4242)
  if (rows.length !== 1 || Number(rows[0]?.id) !== 4242 || Number(rows[0]?.balance) !== expectedBalance(4242)) {
    throw new Error(`point select of id 4242 returned ${JSON.stringify(rows)}`)
  }
}

/**
 * One ORM set-up as a contender host (kind `point`), here or in a process of
 * its own. Its first statement runs before it is handed out: a set-up that
 * builds but cannot run a statement fails here, with its error.
 */
export async function ormHost(setUp: OrmSetUp, url: string, max: number, library?: string, isDefault?: boolean): Promise<ContenderHost> {
  const client = await SET_UPS[setUp](url, max)
  try {
    await checkOrmClient(client)
  } catch (error) {
    await client.close().catch(() => undefined)
    throw error
  }
  const meta = { name: client.name, role: client.role, library, isDefault }
  return {
    meta,
    contender: contenderCache(meta, (kind) => {
      if (kind !== 'point') throw new Error(`${client.name} runs point, not ${kind}`)
      return { check: () => checkOrmClient(client), measure: (options) => closedLoop(() => client.point(randomAccountId()), options) }
    }),
    close: () => client.close(),
  }
}
