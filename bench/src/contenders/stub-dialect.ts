import type { Dialect, QueryResult } from '@sluice/core'
import { StubResource } from './stub-resource.js'

const ONE_ROW: QueryResult = Object.freeze({ rows: [{ one: 1 }] })

/**
 * A Sluice dialect that talks to nothing: connect hands out a StubResource,
 * every statement answers at once with the row `{ one: 1 }`. With it, the pool's own cost
 * (lease objects, health bookkeeping, lifetime checks, stats, FIFO waiters,
 * timers) is all that is left to measure.
 *
 * It reports its transaction state exactly (`inTransaction`), like the real
 * pg, mysql2 and better-sqlite3 dialects do, so release takes the same path
 * it takes in production.
 */
export function stubDialect(): Dialect<StubResource> {
  return {
    // the kind only names the family in messages; the pool does not branch on it
    kind: 'postgres',
    description: 'stub://no-op',
    defaultHealthCheckQuery: 'SELECT 1',
    connect: () => Promise.resolve(new StubResource()),
    // one row, so that a correctness check has something to check
    run: () => Promise.resolve(ONE_ROW),
    ping: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: (raw) => {
      raw.alive = false
      return Promise.resolve()
    },
    isFatal: () => false,
    watch: () => {},
    inTransaction: () => false,
  }
}
