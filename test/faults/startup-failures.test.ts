/**
 * The database is down or misconfigured when the application starts: a
 * plain script that awaits one query gets a clear error in its own catch
 * within the bound (never a silent exit), and a wrong password or an unknown
 * database fails at once with the driver's error, not after the acquire
 * timeout. (Written as issue 11's phase 2 specification.)
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../../packages/core/test/support/databases.js'
import { reportError, type ReportedError } from './fixtures/report-error.js'
import { FAULT_TARGETS, MYSQL_TARGET, PG_TARGET, type Endpoint, type FaultTarget } from './support/fault-targets.js'
import { PrivateServer } from './support/private-server.js'
import { failOnProcessErrors } from './support/process-errors.js'
import { reportOf, runChild, type ChildOutcome } from './support/run-child.js'
import { MARGIN_MILLIS, useScene } from './support/scene.js'
import { describeError, rejectsWithin } from './support/settle.js'

const SCRIPTS = {
  'an ES module script (top-level await)': fileURLToPath(new URL('./fixtures/script-query.ts', import.meta.url)),
  'a CommonJS script (a promise chain)': fileURLToPath(new URL('./fixtures/script-query.cts', import.meta.url)),
}

interface ScriptReport {
  outcome: 'resolved' | 'caught'
  millis: number
  error?: ReportedError[]
}

const url = (kind: string, e: Endpoint) => `${kind}://${encodeURIComponent(e.user)}:${encodeURIComponent(e.password)}@${e.host}:${e.port}/${e.database}`

/** Runs a one-query script; checks it ended in its own catch with exit code 3, and returns its report. */
async function scriptCatches(script: string, databaseUrl: string, acquireTimeoutMillis: number, secret: string): Promise<ScriptReport> {
  const outcome: ChildOutcome = await runChild(script, [databaseUrl, String(acquireTimeoutMillis)], acquireTimeoutMillis + 20_000)
  expect(outcome.timedOut, 'the script hung').toBe(false)
  expect(`${outcome.stdout}${outcome.stderr}`, 'the password in the output').not.toContain(secret)
  expect(outcome.stdout, `a silent exit (code ${outcome.code}): the pending query kept nothing alive\n${outcome.stderr}`).toContain('"outcome"')
  const report = reportOf<ScriptReport>(outcome)
  expect(report.outcome).toBe('caught')
  expect(outcome.code, 'the exit code the script set in its catch').toBe(3)
  return report
}

/**
 * The acquire timeout and the connect retry a waiting caller depends on keep
 * the process alive (an unref'd one would let it exit with the query still
 * pending: code 13 for a module, 0 for CommonJS, neither catch nor finally
 * run). The breaker opening meanwhile leaves the waiting query to its own
 * timeout, which says why the database is unreachable.
 */
describe.each(FAULT_TARGETS)('the $kind database is down when a script starts', (target) => {
  const ACQUIRE = 2_000
  const scene = useScene(TEST_PASSWORD)

  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(`${name} gets a PoolTimeoutError saying the database is unreachable, in its catch, at acquireTimeoutMillis (nothing listens)`, async () => {
      // a reserved port of the private servers on which none runs
      const closed = { ...target.primary, port: target.kind === 'postgres' ? 5459 : 3359 }
      const report = await scriptCatches(script, url(target.kind, closed), ACQUIRE, target.primary.password)
      expect(report.millis).toBeLessThanOrEqual(ACQUIRE + MARGIN_MILLIS)
      expect(report.error?.[0]).toMatchObject({ name: 'PoolTimeoutError', code: 'SLUICE_POOL_TIMEOUT' })
      expect(report.error?.[0]?.message).toMatch(/unreachable/i)
      expect(report.error?.[0]?.message).toContain('ECONNREFUSED')
    }, 40_000)

    it(`${name} gets the same error when a proxy in front of the database refuses`, async () => {
      const proxy = await scene().proxy(target.primary)
      await proxy.refuse()
      const report = await scriptCatches(script, url(target.kind, target.via(target.primary, proxy.port)), ACQUIRE, target.primary.password)
      expect(report.millis).toBeLessThanOrEqual(ACQUIRE + MARGIN_MILLIS)
      expect(report.error?.[0]?.message).toMatch(/unreachable/i)
    }, 40_000)
  }
})

/**
 * A permanent connect error (bad password, unknown database) fails the
 * waiting calls at once with a PermanentConnectError that carries the
 * driver's error, instead of being retried for the whole acquire timeout.
 */
describe('misconfiguration fails fast with the real cause', () => {
  failOnProcessErrors()
  const scene = useScene('not-the-password')
  const ACQUIRE = 10_000
  // the shared PostgreSQL trusts everybody; a private one checks passwords
  const pgServer = new PrivateServer('postgres', 5451)
  beforeAll(() => pgServer.start(), 60_000)
  afterAll(() => pgServer.stop(), 60_000)

  const pgTarget = PG_TARGET
  const myTarget = MYSQL_TARGET
  const cases: ReadonlyArray<{ name: string; target: FaultTarget; endpoint: () => Endpoint; code: RegExp; message: RegExp }> = [
    { name: 'PostgreSQL, wrong password', target: pgTarget, endpoint: () => ({ ...pgTarget.privateServer(pgServer.port), password: 'not-the-password' }), code: /^28P01$/, message: /password authentication failed/ },
    { name: 'PostgreSQL, unknown database', target: pgTarget, endpoint: () => ({ ...pgTarget.privateServer(pgServer.port), database: 'sluice_no_such_db' }), code: /^3D000$/, message: /does not exist/ },
    { name: 'MariaDB, wrong password', target: myTarget, endpoint: () => ({ ...myTarget.primary, password: 'not-the-password' }), code: /^ER_ACCESS_DENIED_ERROR$/, message: /Access denied/ },
    { name: 'MariaDB, unknown database', target: myTarget, endpoint: () => ({ ...myTarget.primary, database: 'sluice_no_such_db' }), code: /^(ER_BAD_DB_ERROR|ER_DBACCESS_DENIED_ERROR)$/, message: /Unknown database|denied/ },
  ]

  for (const { name, target, endpoint, code, message } of cases) {
    it(`${name}: pool.query() rejects within 2 s, not after the ${ACQUIRE} ms acquire timeout, with the driver's error as cause`, async () => {
      const pool = scene().pool({ dialect: target.dialect(endpoint(), 2_000), min: 0, acquireTimeoutMillis: ACQUIRE })
      const { error, millis } = await rejectsWithin('pool.query() with a wrong setting', pool.query('SELECT 1 AS one'), ACQUIRE + MARGIN_MILLIS)
      expect(millis, describeError(error)).toBeLessThanOrEqual(2_000)
      expect((error as Error).message).toMatch(message)
      const chain = reportError(error)
      const driverError = chain.find((e) => code.test(String(e.code)))
      expect(driverError, JSON.stringify(chain)).toBeDefined()
      expect(JSON.stringify(chain)).not.toContain('not-the-password')
    }, 30_000)
  }

  for (const { name, target, endpoint, message } of cases.filter((c) => c.name.endsWith('wrong password'))) {
    it(`${name}: a script's catch gets that error, with its own exit code`, async () => {
      const report = await scriptCatches(SCRIPTS['an ES module script (top-level await)'], url(target.kind, endpoint()), ACQUIRE, 'not-the-password')
      expect(report.millis).toBeLessThanOrEqual(2_000)
      expect(report.error?.[0]?.message).toMatch(message)
    }, 40_000)
  }
})
