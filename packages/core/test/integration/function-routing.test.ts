import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RoutingOptions } from '../../src/config/routing-config.js'
import type { Dialect } from '../../src/dialect.js'
import { mysql } from '../../src/dialects/mysql2/index.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { createPool, type Pool } from '../../src/pool.js'
import { MYSQL_REPLICA_URL, MYSQL_URL, PG_REPLICA_URL, PG_URL } from '../support/databases.js'
import { createFixtures } from '../support/sql-corpus/fixtures.js'
import { until } from '../support/targets.js'
import { lockReplicasForFile } from '../support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres', 'mysql')

/** How the router judges the functions a statement calls, on the real replicas. */

interface Cluster {
  readonly name: 'postgres' | 'mysql'
  primary(): Dialect<any>
  replica(): Dialect<any>
  /** Where the fixtures (tables, functions) are made: the primary, as a user allowed to create stored functions. */
  fixtures(): Dialect<any>
  /** A column that says whether the statement ran on the replica. */
  readonly onReplica: string
  readonly database: string
}

function asRoot(url: string): string {
  const u = new URL(url)
  u.username = 'root'
  u.password = ''
  return u.toString()
}

const CLUSTERS: Cluster[] = [
  {
    name: 'postgres',
    primary: () => postgres({ connectionString: PG_URL }),
    replica: () => postgres({ connectionString: PG_REPLICA_URL }),
    fixtures: () => postgres({ connectionString: PG_URL }),
    onReplica: 'pg_is_in_recovery() AS on_replica',
    database: new URL(PG_URL).pathname.slice(1),
  },
  {
    name: 'mysql',
    primary: () => mysql({ connectionString: MYSQL_URL }),
    replica: () => mysql({ connectionString: MYSQL_REPLICA_URL }),
    fixtures: () => mysql({ connectionString: asRoot(MYSQL_URL) }),
    onReplica: '@@read_only = 1 AS on_replica',
    database: new URL(MYSQL_URL).pathname.slice(1),
  },
]

for (const cluster of CLUSTERS) {
  describe(`functions on a real ${cluster.name} replica`, () => {
    let pool: Pool | undefined

    beforeAll(async () => {
      await createFixtures(cluster.fixtures())
    })

    afterEach(async () => {
      await pool?.close()
      pool = undefined
    })

    async function open(routing: RoutingOptions = {}): Promise<Pool> {
      pool = createPool({ dialect: cluster.primary(), replicas: [cluster.replica()], min: 1, max: 2, routing: { replicaCheckIntervalMillis: 100, ...routing } })
      await pool.ready()
      const opened = pool
      await until(() => opened.routingStats()!.replicas[0]!.healthy, 'the replica in rotation', 20_000)
      // the fixtures made by the primary have reached the replica
      await until(async () => (await opened.query(`SELECT ${cluster.onReplica} FROM diff_a WHERE id = 1`, [], { fetch: 'one', hint: 'read' })) !== undefined, 'the fixtures on the replica', 20_000)
      return opened
    }

    async function where(sql: string): Promise<'replica' | 'primary'> {
      const row = (await pool!.query(sql.replace(/^SELECT /, `SELECT ${cluster.onReplica}, `), [], { fetch: 'one' })) as { on_replica: unknown }
      return Number(row.on_replica) === 1 || row.on_replica === true ? 'replica' : 'primary'
    }

    if (cluster.name === 'postgres') {
      it("reads a stable function's volatility from pg_proc and sends its statements to the replica", async () => {
        await open()
        expect(await where('SELECT diff_stable(1) AS v')).toBe('replica')
        expect(await where('SELECT lower(v) AS v, upper(diff_a.v) AS w, diff_stable(n) AS x FROM diff_a WHERE id = 1 AND diff_stable(id) > 0')).toBe('replica')
      })

      it('sends a volatile function, and a schema-qualified one that shares a built-in name, to the primary', async () => {
        await open()
        expect(await where('SELECT diff_bump() AS v')).toBe('primary')
        expect(await where("SELECT myschema.lower('X') AS v")).toBe('primary')
        expect(await where("SELECT nextval('diff_seq') AS v")).toBe('primary')
      })

      it('sends an unqualified built-in to the primary when a function of its name on the search path shadows it', async () => {
        await open()
        // initcap(5) resolves to public.initcap(int), which writes: on the replica it would fail
        expect(await where('SELECT initcap(5) AS v')).toBe('primary')
        expect(await where("SELECT pg_catalog.initcap('x') AS v")).toBe('replica')
        expect(await where("SELECT upper('x') AS v")).toBe('replica')
      })

      it('lets routing.unsafeFunctions overrule the catalogue and routing.safeFunctions vouch for a function', async () => {
        await open({ unsafeFunctions: ['diff_stable'] })
        expect(await where('SELECT diff_stable(1) AS v')).toBe('primary')
        await pool!.close()
        await open({ safeFunctions: ['pg_catalog.pg_sleep'] })
        expect(await where('SELECT pg_catalog.pg_sleep(0) AS v')).toBe('replica')
      })
    } else {
      it('sends stored functions to the primary unless routing.safeFunctions vouches for them', async () => {
        await open()
        expect(await where('SELECT diff_stable(1) AS v')).toBe('primary')
        expect(await where(`SELECT ${cluster.database}.lower('X') AS v`)).toBe('primary')
        expect(await where("SELECT lower('X') AS v")).toBe('replica')
        await pool!.close()
        await open({ safeFunctions: ['diff_stable'] })
        expect(await where('SELECT diff_stable(1) AS v')).toBe('replica')
      })
    }
  })
}
