import type { Dialect, QueryResult, ServerRoom } from '../../../src/dialect.js'
import type { VirtualClock } from './virtual-clock.js'

export interface SimConnection {
  readonly id: number
  open: boolean
}

/**
 * A database for simulations, on the virtual clock: a connect takes
 * `connectMillis`, `WORK <ms>` holds the connection that long, and the
 * server has room for `maxConnections` (with `othersConnected` taken by
 * other clients), which `serverRoom()` reports as PostgreSQL would.
 */
export class SimDialect implements Dialect<SimConnection> {
  readonly kind = 'postgres' as const
  readonly description = 'sim://workload'
  readonly defaultHealthCheckQuery = 'SELECT 1'
  readonly #clock: VirtualClock
  readonly connectMillis: number
  maxConnections: number
  reservedForSuperuser = 3
  othersConnected = 0
  #sequence = 0
  openConnections = 0
  /** The most connections this pool had open on the server at once. */
  peakOpen = 0

  constructor(clock: VirtualClock, options: { connectMillis?: number; maxConnections?: number } = {}) {
    this.#clock = clock
    this.connectMillis = options.connectMillis ?? 20
    this.maxConnections = options.maxConnections ?? 100
  }

  connect(): Promise<SimConnection> {
    return new Promise((resolve, reject) => {
      this.#clock.setTimeout(() => {
        if (this.openConnections + this.othersConnected >= this.maxConnections) return reject(new Error('sorry, too many clients already'))
        this.openConnections++
        this.peakOpen = Math.max(this.peakOpen, this.openConnections)
        resolve({ id: ++this.#sequence, open: true })
      }, this.connectMillis)
    })
  }

  run(_raw: SimConnection, sql: string): Promise<QueryResult> {
    if (!sql.startsWith('WORK ')) return Promise.resolve({ rows: [] })
    return new Promise((resolve) => this.#clock.setTimeout(() => resolve({ rows: [] }), Number(sql.slice(5))))
  }

  async ping(): Promise<void> {}
  async reset(): Promise<void> {}

  async close(raw: SimConnection): Promise<void> {
    if (!raw.open) return
    raw.open = false
    this.openConnections--
  }

  isFatal(): boolean {
    return false
  }

  watch(): void {}

  async serverRoom(): Promise<ServerRoom> {
    return { maxConnections: this.maxConnections, reservedForSuperuser: this.reservedForSuperuser, inUse: this.openConnections + this.othersConnected }
  }
}
