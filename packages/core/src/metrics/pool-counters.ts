import { LATENCY_WINDOW } from '../config/defaults.js'
import { PERMANENT_CONNECT_REASONS } from '../errors/permanent-connect-error.js'
import { RETIRE_REASONS } from '../housekeeping/housekeeper.js'
import { BATCH_SIZE_BUCKETS, Histogram, LATENCY_BUCKETS_SECONDS } from './histogram.js'
import { LatencyWindow } from './latency-window.js'
import type { StatementCatalog } from './statement-catalog.js'

export const QUERY_ERROR_CLASSES = ['sql', 'transport', 'timeout', 'breaker_open'] as const
/**
 * Why a statement failed: `sql` the statement's own error (the server
 * answered), `transport` a broken connection, `timeout` the client-side
 * statement timeout, `breaker_open` refused at once by the node's open breaker.
 */
export type QueryErrorClass = (typeof QUERY_ERROR_CLASSES)[number]

/**
 * The running counters of one node (the primary's pool or a replica's): one
 * object so the hot path touches one place, and the one bookkeeping that
 * `stats()`, `metrics()` and every exporter read (nothing keeps a second
 * copy that could drift). Histograms are cumulative, in seconds.
 */
export class PoolCounters {
  readonly acquireWait = new LatencyWindow(LATENCY_WINDOW)
  readonly queryTime = new LatencyWindow(LATENCY_WINDOW)
  /** Time from asking for a connection to having it, every acquire. */
  readonly acquireSeconds = new Histogram(LATENCY_BUCKETS_SECONDS)
  /** Time a borrower held a connection, every release. */
  readonly usageSeconds = new Histogram(LATENCY_BUCKETS_SECONDS)
  /** Time to open a connection (connect and `onConnect`), every successful open. */
  readonly creationSeconds = new Histogram(LATENCY_BUCKETS_SECONDS)
  /** Statements per batch of the explicit pipelines and `runBatch`. */
  readonly batchSizes = new Histogram(BATCH_SIZE_BUCKETS)
  /** Statement durations by operation and main table (keys from `StatementCatalog`). */
  readonly queryDurations = new Map<string, { readonly operation: string; readonly table: string; readonly seconds: Histogram }>()
  queryErrors = 0
  readonly queryErrorsByClass: Record<QueryErrorClass, number> = { sql: 0, transport: 0, timeout: 0, breaker_open: 0 }
  created = 0
  recycled = 0
  /** Connections closed, by why (`pool-closed` included, which `recycled` leaves out). */
  readonly closedByReason: Record<string, number> = zeros(RETIRE_REASONS)
  failedCreates = 0
  /** Failed connects by why: `transient`, a permanent reason (`auth`, `database`, ...), or `setup` (onConnect failed). */
  readonly failedByReason: Record<string, number> = zeros(['transient', 'setup', ...PERMANENT_CONNECT_REASONS])
  acquireTimeouts = 0
  /** Statement-cache figures of connections already closed, so totals survive recycling. */
  retiredStatementHits = 0
  retiredStatementMisses = 0
  retiredStatementEvictions = 0
  /** The pool-wide statement shapes and patterns; undefined for a bare pool in unit tests. */
  readonly #catalog: StatementCatalog | undefined

  constructor(catalog?: StatementCatalog) {
    this.#catalog = catalog
  }

  /** One statement ran: its time, its operation/table histogram, its fingerprint's figures. `ended` is the pool clock's. */
  recordStatement(sql: string, millis: number, ended: number, failed: boolean): void {
    this.queryTime.record(millis)
    const catalog = this.#catalog
    if (catalog === undefined) return
    const info = catalog.info(sql)
    let durations = this.queryDurations.get(info.key)
    if (durations === undefined) {
      durations = { operation: info.operation, table: info.table, seconds: new Histogram(LATENCY_BUCKETS_SECONDS) }
      this.queryDurations.set(info.key, durations)
    }
    durations.seconds.observe(millis / 1000)
    catalog.patterns.record(info.shape, millis, failed, ended)
  }

  recordAcquire(waitedMillis: number): void {
    this.acquireWait.record(waitedMillis)
    this.acquireSeconds.observe(waitedMillis / 1000)
  }

  countClosed(reason: string): void {
    this.closedByReason[reason] = (this.closedByReason[reason] ?? 0) + 1
  }

  countFailedCreate(reason: string): void {
    this.failedCreates++
    this.failedByReason[reason] = (this.failedByReason[reason] ?? 0) + 1
  }
}

/** Every known reason at 0 from the start, so that a counter series exists (and rate() works) before its first event. */
function zeros(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, 0]))
}
