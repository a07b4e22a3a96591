import { createPool, mysql, postgres, type Pool, type PoolOptions } from '@sluice/core'
import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { closedLoop, cycleMeasurer } from '../harness/load.js'
import type { Contender } from '../harness/types.js'
import { stubDialect } from './stub-dialect.js'
import { sqlHost, type SqlApi } from './sql-api.js'
import { checkLending } from './stub-resource.js'

/**
 * Sluice on the stub dialect with every default left on (health checks every
 * 30 s, 30 min lifetime with jitter, the housekeeper's 1 s tick, acquire
 * timeout, acquire-wait and query-time statistics), logging off.
 */
export function sluiceStubPool(options: Partial<PoolOptions> = {}): Pool {
  return createPool({ dialect: stubDialect(), log: false, ...options })
}

export function sluiceOverheadContender(max: number): { contender: Contender; pool: Pool } {
  const pool = sluiceStubPool({ max })
  const adapter = {
    acquire: () => pool.acquire(),
    release: (connection: { release(): void }) => connection.release(),
  }
  return {
    pool,
    contender: {
      name: 'Sluice',
      role: 'sluice',
      check: async () => {
        await checkLending(adapter.acquire, adapter.release, (c) => c.driverConnection, max)
        const { activeConnections } = pool.stats().currentState
        if (activeConnections !== 0) throw new Error(`${activeConnections} connections still lent after the check`)
      },
      measure: cycleMeasurer(adapter),
    },
  }
}

/** Sluice's `pool.query()` on the stub dialect: the engine's whole query path with no driver underneath. */
export function sluiceQueryContender(max: number): { contender: Contender; pool: Pool } {
  const pool = sluiceStubPool({ max })
  return {
    pool,
    contender: {
      name: 'Sluice',
      role: 'sluice',
      check: async () => {
        const rows = await pool.query<{ one: number }>('SELECT 1 AS one')
        if (rows[0]?.one !== 1) throw new Error(`pool.query returned ${JSON.stringify(rows)}`)
      },
      measure: (options) => closedLoop(() => pool.query('SELECT 1 AS one'), options),
    },
  }
}

/**
 * One stub-dialect pool for `pool-overhead`: kind `cycles` (acquire +
 * release) and kind `query` (`pool.query()`), as a host so that it can run
 * in a process of its own.
 */
export async function sluiceOverheadHost(max: number): Promise<ContenderHost> {
  const overhead = sluiceOverheadContender(max)
  const query = sluiceQueryContender(max)
  const meta = { name: 'Sluice', role: 'sluice' as const }
  return {
    meta,
    contender: contenderCache(meta, (kind) => (kind === 'cycles' ? overhead.contender : kind === 'query' ? query.contender : unknownKind('Sluice', kind))),
    close: async () => {
      await Promise.all([overhead.pool.close(), query.pool.close()])
    },
  }
}

export function unknownKind(name: string, kind: string): never {
  throw new Error(`${name} has no contender of kind ${kind}`)
}

/** Sluice on PostgreSQL through its pg dialect: `pool.query()` returns the rows. */
export async function sluicePgApi(connectionString: string, max: number, options: Partial<PoolOptions> = {}): Promise<SqlApi & { pool: Pool }> {
  const pool = createPool({ dialect: postgres({ connectionString }), max, log: false, ...options })
  await pool.ready()
  return {
    name: 'Sluice',
    role: 'sluice',
    pool,
    select1: () => pool.query('SELECT 1 AS one'),
    point: (id) => pool.query('SELECT * FROM bench_accounts WHERE id = $1', [id]),
    close: () => pool.close(),
  }
}

/** Sluice on MySQL/MariaDB through its mysql2 dialect. */
export async function sluiceMysqlApi(connectionString: string, max: number): Promise<SqlApi & { pool: Pool }> {
  const pool = createPool({ dialect: mysql({ connectionString }), max, log: false })
  await pool.ready()
  return {
    name: 'Sluice',
    role: 'sluice',
    pool,
    select1: () => pool.query('SELECT 1 AS one'),
    point: (id) => pool.query('SELECT * FROM bench_accounts WHERE id = ?', [id]),
    close: () => pool.close(),
  }
}

export async function sluicePgHost(connectionString: string, max: number): Promise<ContenderHost> {
  return sqlHost(await sluicePgApi(connectionString, max))
}

export async function sluiceMysqlHost(connectionString: string, max: number): Promise<ContenderHost> {
  return sqlHost(await sluiceMysqlApi(connectionString, max))
}
