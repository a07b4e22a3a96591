import { expectedBalance, randomAccountId } from '../config.js'
import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { closedLoop } from '../harness/load.js'
import type { Contender } from '../harness/types.js'

export type Rows = ReadonlyArray<Record<string, unknown>>

/**
 * The two statements of the select scenarios, as one client library runs
 * them: `SELECT 1 AS one` and the point select on bench_accounts. Each
 * contender file implements this in that library's own idiom (pool.query,
 * a tagged template, knex.raw, ...), which is what an app would write.
 */
export interface SqlApi {
  readonly name: string
  readonly role: 'sluice' | 'peer'
  /** The peer library, when the scenario runs it in more than one configuration (see Contender.library). */
  readonly library?: string
  readonly isDefault?: boolean
  select1(): Promise<Rows>
  point(id: number): Promise<Rows>
  close(): Promise<void>
}

export type QueryName = 'select1' | 'point'

export const QUERY_LABELS: Record<QueryName, string> = { select1: 'SELECT 1', point: 'point select' }

/** The per-round guard: SELECT 1 must return one row with one = 1; account 4242 must have its seeded balance. */
export async function checkSqlApi(api: SqlApi): Promise<void> {
  const one = await api.select1()
  if (one.length !== 1 || Number(one[0]?.one) !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(one)}`)
  const id = 4242
  const rows = await api.point(id)
  const row = rows[0]
  if (rows.length !== 1 || Number(row?.id) !== id || Number(row?.balance) !== expectedBalance(id)) {
    throw new Error(`point select of id ${id} returned ${JSON.stringify(rows)}`)
  }
}

/** A contender running one of the two statements in a closed loop. */
export function sqlContender(api: SqlApi, query: QueryName): Contender {
  const op = query === 'select1' ? () => api.select1() : () => api.point(randomAccountId())
  return { name: api.name, role: api.role, library: api.library, isDefault: api.isDefault, check: () => checkSqlApi(api), measure: (options) => closedLoop(op, options) }
}

/** A client as a contender host: its kinds are the two statements (`select1`, `point`). */
export function sqlHost(api: SqlApi): ContenderHost {
  const meta = { name: api.name, role: api.role, library: api.library, isDefault: api.isDefault }
  return {
    meta,
    contender: contenderCache(meta, (kind) => {
      if (kind !== 'select1' && kind !== 'point') throw new Error(`${api.name} runs select1 and point, not ${kind}`)
      return sqlContender(api, kind)
    }),
    close: () => api.close(),
  }
}
