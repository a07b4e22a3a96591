import { afterEach, describe, expect, it } from 'vitest'
import { postgres } from '../../src/dialects/pg/index.js'
import { createPool, type Pool } from '../../src/pool.js'
import { PG_REPLICA_URL, PG_URL, TEST_PASSWORD } from '../support/databases.js'
import { until } from '../support/promises.js'
import { lockReplicasForFile } from '../support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres')

/** Nothing listens here (a port reserved for this suite's private servers): a replica that is down. */
const DOWN_REPLICA_URL = PG_URL.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:5489')

describe('health() on PostgreSQL with replicas', () => {
  const pools: Pool[] = []
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()))
  })
  const open = (replicaUrls: string[]) => {
    const pool = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: replicaUrls.map((connectionString) => postgres({ connectionString })),
      min: 1,
      max: 2,
      logger: false,
      // a check of the down replica waits for a connection this long before it takes the replica out
      acquireTimeoutMillis: 1_000,
      healthCheckTimeoutMillis: 2_000,
      routing: { replicaCheckIntervalMillis: 100 },
    })
    pools.push(pool)
    return pool
  }

  it('is up with the primary and a streaming replica, and pings both', async () => {
    const pool = open([PG_REPLICA_URL])
    await pool.ready()
    await until(async () => (await pool.health()).status === 'up', 'the replica in rotation')
    const health = await pool.health({ ping: true })
    expect(health.status).toBe('up')
    expect(health.reasons).toEqual([])
    expect(health.nodes.map((node) => [node.role, node.status])).toEqual([['primary', 'up'], ['replica', 'up']])
    for (const node of health.nodes) expect(node.pingMillis).toBeGreaterThan(0)
    expect(health.nodes[1]!.lagMillis).toBeGreaterThanOrEqual(0)
  })

  it('is degraded, naming the replica, while a replica is down; never shows a secret', async () => {
    const pool = open([PG_REPLICA_URL, DOWN_REPLICA_URL])
    await pool.ready().catch(() => {})
    await until(async () => (await pool.health()).reasons.some((reason) => reason.includes('ECONNREFUSED')), 'the down replica reported')
    const health = await pool.health({ ping: true })
    expect(health.status).toBe('degraded')
    expect(health.nodes.map((node) => node.status)).toEqual(['up', 'up', 'degraded'])
    expect(health.reasons).toHaveLength(1)
    expect(health.reasons[0]).toMatch(/^replica sluice\/replica-2: out of the read rotation \(.*ECONNREFUSED.*\); reads go to the primary$/)
    expect(JSON.stringify(health)).not.toContain(TEST_PASSWORD)
    // reads still work: they go to the replica in rotation, or the primary
    expect(await pool.query('SELECT 1 AS one', [], { fetch: 'one' })).toEqual({ one: 1 })
  })
})
