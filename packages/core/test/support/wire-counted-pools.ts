import { afterAll, afterEach, beforeAll } from 'vitest'
import type { PoolOptions } from '../../src/config/pool-config.js'
import { postgres } from '../../src/dialects/pg/index.js'
import type { PostgresDialectConfig } from '../../src/dialects/pg/pg-dialect-config.js'
import { createPool, type Pool } from '../../src/pool.js'
import { PgWireCounter } from './pg-wire-counter.js'

/** What `wireCountedPools()` gives a suite: the proxy's counters and a way to open pools through it. */
export interface WireCountedPools {
  readonly counter: PgWireCounter
  /** The proxy's URL (set once the suite has started). */
  readonly url: () => string
  /** A PostgreSQL pool through the proxy (or `url`), closed after each test. */
  open(options?: Partial<PoolOptions>, dialect?: Partial<PostgresDialectConfig>, url?: string): Pool
  /** A pool the test made itself, closed after it like the others. */
  track(pool: Pool): Pool
}

/**
 * Call inside a `describe`: starts a counting proxy in front of `target`
 * for the suite and closes the pools each test opened, so that the suites
 * about what crosses the wire share one set-up.
 */
export function wireCountedPools(target: string, defaults: Partial<PoolOptions> = {}, dialectDefaults: Partial<PostgresDialectConfig> = {}): WireCountedPools {
  const counter = new PgWireCounter(new URL(target))
  let proxied = ''
  const pools: Pool[] = []
  beforeAll(async () => {
    proxied = await counter.start()
  })
  afterAll(async () => {
    await counter.stop()
  })
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()))
  })
  return {
    counter,
    url: () => proxied,
    open(options = {}, dialect = {}, url = proxied) {
      const pool = createPool({ dialect: postgres({ connectionString: url, ...dialectDefaults, ...dialect }), min: 0, log: () => {}, ...defaults, ...options })
      pools.push(pool)
      return pool
    },
    track(pool) {
      pools.push(pool)
      return pool
    },
  }
}
