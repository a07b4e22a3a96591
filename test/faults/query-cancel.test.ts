import { describe, expect, it } from 'vitest'
import { mysql, postgres, QueryTimeoutError, type Dialect, type Pool } from '@sluice/core'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { until } from '../../packages/core/test/support/promises.js'
import { FAULT_TARGETS, type FaultTarget } from './support/fault-targets.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { rejectsWithin, resolvesWithin } from './support/settle.js'

/**
 * A statement that outlives `queryTimeoutMillis` is stopped on the server
 * (pg: a cancel request; MariaDB: KILL QUERY from a side connection), not
 * just abandoned: it is gone from the server's list of running statements
 * right after the timeout, and the connection it ran on serves the next
 * statement instead of being closed.
 */
const TIMEOUT = 200

/** Statements of `marker` still running on the server, as an operator would look. */
async function running(target: FaultTarget, admin: Pool, marker: string): Promise<number> {
  if (target.kind === 'postgres') {
    const rows = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1", [`%${marker}%`])
    return Number(rows[0]!.n)
  }
  const rows = await admin.query<{ Info: string | null }>('SHOW PROCESSLIST')
  return rows.filter((row) => row.Info?.includes(marker) && !row.Info.includes('PROCESSLIST')).length
}

describe.each(FAULT_TARGETS)('a statement timeout on $kind', (target) => {
  failOnProcessErrors()
  const scene = useScene(TEST_PASSWORD)

  it(`stops the statement on the server and reuses the connection (a 10 s sleep, a ${TIMEOUT} ms timeout)`, async () => {
    const pool = scene().pool({ dialect: target.dialect(target.primary, 2_000), min: 1, max: 1, queryTimeoutMillis: TIMEOUT })
    const admin = scene().pool({ dialect: target.dialect(target.primary, 2_000), min: 0, max: 1, breaker: false })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    const before = Number(((await pool.query(target.backendIdSql, [], { fetch: 'one' })) as { id: unknown }).id)
    // a marker of our own, so that parallel test runs on the same server do not count
    const marker = `sluice_cancel_${process.pid}_${target.kind}`
    const sleep = target.kind === 'postgres' ? `SELECT pg_sleep(10) AS ${marker}` : `SELECT SLEEP(10) AS ${marker}`
    const { error, millis } = await rejectsWithin('the 10 s sleep', pool.query(sleep), TIMEOUT + MARGIN_MILLIS)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(millis).toBeGreaterThanOrEqual(TIMEOUT - 5)
    const timedOutAt = performance.now()
    await until(async () => (await running(target, admin, marker)) === 0, 'the sleep to leave the server', 2_000)
    const goneAfter = Math.round(performance.now() - timedOutAt)
    const after = Number(((await resolvesWithin('the next query', pool.query(target.backendIdSql, [], { fetch: 'one' }), 5_000)) as { id: unknown }).id)
    console.log(`${target.kind}: the timed-out sleep left the server ${goneAfter} ms after the timeout; connection ${after === before ? 'reused' : 'replaced'}`)
    expect(after, 'the same server session served the next statement').toBe(before)
    expect(pool.stats().connections).toMatchObject({ created: 1, recycled: 0 })
  })

  it('with the server-side statementTimeoutMillis the server ends a long statement by itself, and the connection is kept', async () => {
    const pool = scene().pool({ dialect: statementTimeoutDialect(target, 300), min: 1, max: 1 })
    await resolvesWithin('pool.ready()', pool.ready(), 5_000)
    const { error, millis } = await rejectsWithin('a 10 s sleep under a 300 ms server timeout', pool.query(target.sleepSql(10)), 300 + MARGIN_MILLIS)
    // PostgreSQL fails it with 57014; MariaDB with 1969 (ER_STATEMENT_TIMEOUT, which mysql2 has no name for)
    const { code, errno } = error as { code?: unknown; errno?: unknown }
    expect(target.kind === 'postgres' ? code : errno, String(error)).toBe(target.kind === 'postgres' ? '57014' : 1969)
    expect(millis).toBeGreaterThanOrEqual(250)
    expect(await pool.query('SELECT 1 AS one', [], { fetch: 'one' })).toBeTruthy()
    expect(pool.stats().connections).toMatchObject({ created: 1, recycled: 0 })
  })
})

/** The shared primary with a server-side statement timeout of `millis`. */
function statementTimeoutDialect(target: FaultTarget, millis: number): Dialect<any> {
  const options = { ...target.primary, connectTimeoutMillis: 2_000, statementTimeoutMillis: millis }
  return target.kind === 'postgres' ? postgres(options) : mysql(options)
}
