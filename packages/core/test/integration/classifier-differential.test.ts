import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveRoutingConfig } from '../../src/config/routing-config.js'
import type { Dialect } from '../../src/dialect.js'
import { mysql } from '../../src/dialects/mysql2/index.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { FunctionSafety } from '../../src/routing/function-safety.js'
import type { StatementKind } from '../../src/sql/statement-kind.js'
import { systemClock } from '../../src/util/clock.js'
import { MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_URL, PG_URL } from '../support/databases.js'
import { corpusSeed, generateCorpus } from '../support/sql-corpus/corpus.js'
import { createFixtures } from '../support/sql-corpus/fixtures.js'
import { until } from '../support/targets.js'
import { lockReplicasForFile } from '../support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres', 'mysql')

/**
 * The real standby as the oracle for the classifier: every statement of a
 * seeded, grammar-driven corpus that the classifier calls a read must run on
 * the replica (a PostgreSQL hot standby refuses writes and locks; a MariaDB
 * replica with read_only=1 refuses writes and FOR UPDATE to the non-SUPER
 * user, and shows any other lock in information_schema.innodb_trx) inside a
 * transaction that is rolled back, leave no lock or session state behind,
 * and no statement the generator hid a write, lock or session change in may
 * be called a read. Classification must not change when whitespace,
 * comments or case change. Replay a failure with SLUICE_CORPUS_SEED.
 */

const STATEMENTS = 1_200
const seed = corpusSeed()

interface Oracle {
  readonly name: 'postgres' | 'mysql'
  primary(): Dialect<any>
  replica(): Dialect<any>
  /** Creates the fixtures on the primary. */
  setUp(): Promise<void>
  /** True once the replica has every fixture. */
  readonly replicatedSql: string
  /** What a read left behind in its (still open) transaction or session; empty when nothing. */
  readonly leftoversSql: string
  /** Clears what a failed check left behind, after ROLLBACK. */
  readonly cleanUpSql: string | undefined
  /**
   * Row locks the replica lets a read-only session take (MariaDB's LOCK IN
   * SHARE MODE): an administrator's session that bypasses read_only tries to
   * lock every fixture row without waiting, and fails while a lock is held.
   */
  readonly rowLockProbe?: { dialect(): Dialect<any>; readonly sql: string }
}

function withUser(url: string, user: string): string {
  const u = new URL(url)
  u.username = user
  u.password = ''
  return u.toString()
}

const databaseOf = (url: string): string => new URL(url).pathname.slice(1)

const ORACLES: Oracle[] = [
  {
    name: 'postgres',
    primary: () => postgres({ connectionString: PG_URL }),
    replica: () => postgres({ connectionString: PG_REPLICA_URL }),
    setUp: () => createFixtures(postgres({ connectionString: PG_URL })),
    replicatedSql: "SELECT to_regprocedure('myschema.lower(text)') IS NOT NULL AND to_regclass('diff_seq') IS NOT NULL AND to_regprocedure('diff_stable(int)') IS NOT NULL AS ok",
    leftoversSql:
      "SELECT concat_ws(', ', CASE WHEN (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') > 0 THEN 'advisory lock' END, " +
      "CASE WHEN current_setting('diff.x', true) <> '' THEN 'session setting' END) AS leftovers",
    cleanUpSql: "SELECT pg_advisory_unlock_all(), set_config('diff.x', '', false)",
  },
  {
    name: 'mysql',
    primary: () => mysql({ connectionString: MYSQL_URL }),
    replica: () => mysql({ connectionString: MYSQL_REPLICA_URL }),
    // stored functions with binary logging on need SUPER: the fixtures are made as root
    setUp: () => createFixtures(mysql({ connectionString: withUser(MYSQL_URL, 'root') })),
    replicatedSql: "SELECT COUNT(*) = 3 AS ok FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME IN ('lower', 'diff_bump', 'diff_stable')",
    leftoversSql: "SELECT CONCAT_WS(', ', IF(IS_USED_LOCK('diff') = CONNECTION_ID(), 'user lock', NULL), IF(@diff_v IS NOT NULL OR @diff_var IS NOT NULL, 'session variable', NULL)) AS leftovers",
    // information_schema.INNODB_TRX is a cache refreshed every 100 ms: it cannot say which statement locked
    rowLockProbe: { dialect: () => mysql({ connectionString: withUser(MYSQL_REPLICA_URL, 'root') }), sql: 'SELECT a.id FROM diff_a a, diff_b b FOR UPDATE NOWAIT' },
    cleanUpSql: 'SELECT RELEASE_ALL_LOCKS(), @diff_v := NULL, @diff_var := NULL',
  },
]

for (const oracle of ORACLES) {
  describe(`the classifier against a real ${oracle.name} standby (seed ${seed})`, () => {
    const primary = oracle.primary()
    const replica = oracle.replica()
    let primaryRaw: unknown
    let replicaRaw: unknown
    const probe = oracle.rowLockProbe?.dialect()
    let probeRaw: unknown

    beforeAll(async () => {
      await oracle.setUp()
      replicaRaw = await replica.connect()
      primaryRaw = await primary.connect()
      if (probe) probeRaw = await probe.connect()
      await until(async () => Boolean(Number((await replica.run(replicaRaw, oracle.replicatedSql, undefined, {})).rows[0]?.ok)), 'the fixtures on the replica', 20_000)
    })

    afterAll(async () => {
      if (primaryRaw) await primary.close(primaryRaw)
      if (replicaRaw) await replica.close(replicaRaw)
      if (probe && probeRaw) await probe.close(probeRaw)
    })

    /** Whether the administrator's probe finds a fixture row locked (by anyone). */
    async function rowsLocked(): Promise<boolean> {
      if (!probe || !oracle.rowLockProbe) return false
      return probe.run(probeRaw, oracle.rowLockProbe.sql, undefined, {}).then(
        () => false,
        () => true,
      )
    }

    /** Runs a statement the classifier called a read on the replica, rolled back: what went wrong, or undefined. */
    async function onReplica(sql: string): Promise<string | undefined> {
      // a row lock counts only when it is the statement's: held during its transaction and gone after it, twice
      // (the replica's applier, replaying another test's write, holds row locks of its own for a moment)
      for (let attempt = 0; ; attempt++) {
        const outcome = await onceOnReplica(sql)
        if (outcome.failure !== undefined || !outcome.locked) return outcome.failure
        if (attempt === 2) return 'left row locks behind'
        if (await rowsLocked()) await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    async function onceOnReplica(sql: string): Promise<{ failure?: string; locked: boolean }> {
      await replica.run(replicaRaw, 'BEGIN', undefined, {})
      try {
        await replica.run(replicaRaw, sql, undefined, {})
        const leftovers = String((await replica.run(replicaRaw, oracle.leftoversSql, undefined, {})).rows[0]?.leftovers ?? '')
        if (leftovers !== '') return { failure: `left ${leftovers} behind`, locked: false }
        return { locked: await rowsLocked() }
      } catch (error) {
        return { failure: error instanceof Error ? error.message : String(error), locked: false }
      } finally {
        await replica.run(replicaRaw, 'ROLLBACK', undefined, {})
        if (oracle.cleanUpSql) await replica.run(replicaRaw, oracle.cleanUpSql, undefined, {})
      }
    }

    it('the oracle itself refuses writes and locks, and notices what the replica lets through', async () => {
      expect(await onReplica('DELETE FROM diff_log WHERE id = 0')).toMatch(/read-only|read_only|--read-only/i)
      expect(await onReplica('SELECT * FROM diff_a FOR UPDATE')).toMatch(/read-only|read_only|--read-only/i)
      if (oracle.name === 'postgres') {
        expect(await onReplica('SELECT * FROM diff_a FOR KEY SHARE')).toMatch(/read-only/)
        expect(await onReplica('SELECT pg_advisory_lock(42)')).toMatch(/advisory lock/)
        expect(await onReplica("SELECT nextval('diff_seq')")).toMatch(/read-only/)
        expect(await onReplica('SELECT diff_bump()')).toMatch(/read-only/)
      } else {
        expect(await onReplica('SELECT * FROM diff_a LOCK IN SHARE MODE')).toMatch(/row locks/)
        expect(await onReplica("SELECT GET_LOCK('diff', 0)")).toMatch(/user lock/)
        expect(await onReplica('SELECT diff_bump()')).toMatch(/read-only/)
      }
      expect(await onReplica('SELECT * FROM diff_a')).toBeUndefined()
    })

    it(`calls no write or lock of ${STATEMENTS} generated statements a read, and reads each the same under perturbation`, async () => {
      const config = resolveRoutingConfig({})
      const lookup = primary.judgeFunctions ? (calls: Parameters<NonNullable<typeof primary.judgeFunctions>>[1]) => primary.judgeFunctions!(primaryRaw, calls) : undefined
      const functions = new FunctionSafety(config, lookup, systemClock, () => undefined)
      const classify = (sql: string): Promise<StatementKind> => functions.kind(primary.analyze!(sql))

      const corpus = generateCorpus(oracle.name, seed, STATEMENTS, databaseOf(oracle.name === 'postgres' ? PG_URL : MYSQL_URL))
      const counts = { statements: corpus.length, variants: 0, reads: 0, writes: 0, unknown: 0, ranOnReplica: 0, hazards: 0, hazardsCaught: 0 }
      const unsafe: string[] = []
      const unstable: string[] = []
      for (const entry of corpus) {
        const kind = await classify(entry.sql)
        counts[kind === 'read' ? 'reads' : kind === 'write' ? 'writes' : 'unknown']++
        if (entry.hazards.length > 0) {
          counts.hazards++
          if (kind === 'read') unsafe.push(`#${entry.index} (${entry.hazards.join(', ')}) called a read: ${entry.sql}`)
          else counts.hazardsCaught++
        }
        // the statement and one of its variants (in turn) run on the replica: every perturbation meets the server
        const runs = kind === 'read' ? [entry.sql, entry.variants[entry.index % entry.variants.length]!] : []
        for (const variant of entry.variants) {
          counts.variants++
          const variantKind = await classify(variant)
          if (variantKind !== kind) unstable.push(`#${entry.index}: ${kind} but ${variantKind} for ${JSON.stringify(variant)}`)
        }
        for (const sql of runs) {
          counts.ranOnReplica++
          const failure = await onReplica(sql)
          if (failure !== undefined) unsafe.push(`#${entry.index} called a read, but on the replica: ${failure}: ${JSON.stringify(sql)}`)
        }
      }
      console.info(`classifier differential (${oracle.name}, seed ${seed}): ${JSON.stringify(counts)}; unsafe ${unsafe.length}, unstable ${unstable.length}`)
      expect(unsafe).toEqual([])
      expect(unstable.slice(0, 20)).toEqual([])
      expect(counts.hazardsCaught).toBe(counts.hazards)
      // a classifier that sent everything to the primary would pass the checks above: it must find the reads too
      expect(counts.reads).toBeGreaterThan(counts.statements * 0.3)
    }, 120_000)
  })
}
