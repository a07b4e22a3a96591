import { createPool, type Pool } from '../../src/pool.js'
import type { PoolOptions } from '../../src/config/pool-config.js'
import { ManualClock } from './manual-clock.js'
import { StubDialect } from './stub-dialect.js'

export interface StubPool {
  pool: Pool
  dialect: StubDialect
  clock: ManualClock
  logs: Array<{ level: string; message: string }>
}

/**
 * A pool over the stub dialect with a manual clock and captured logs. Its
 * circuit breaker is off unless `options.breaker` turns it on: the suites of
 * other features provoke failures that would otherwise open it.
 */
export function stubPool(options: Partial<PoolOptions> = {}): StubPool {
  const dialect = new StubDialect()
  const clock = new ManualClock()
  const logs: Array<{ level: string; message: string }> = []
  const pool = createPool({
    dialect,
    clock,
    min: 0,
    max: 3,
    log: (level, message) => logs.push({ level, message }),
    breaker: false,
    ...options,
  })
  return { pool, dialect, clock, logs }
}
