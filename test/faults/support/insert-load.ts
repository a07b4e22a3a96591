import type { Pool } from '@sluice/core'
import type { FaultTarget } from './fault-targets.js'

/** What an insert load saw, for the checks after it. */
export interface InsertLoadReport {
  /** Keys whose insert the pool acknowledged, with when (ms since the epoch). */
  readonly acknowledged: ReadonlyMap<string, number>
  /** Keys still being retried when the load stopped: they may or may not be in the table. */
  readonly unacknowledged: readonly string[]
  /** Failed attempts (each one retried with the same key). */
  readonly failedAttempts: number
  /** Failed attempts by error code (or class name when it has none). */
  readonly failuresByCode: Readonly<Record<string, number>>
  /** The distinct messages of those errors (and of their causes), for the secret check. */
  readonly failureMessages: readonly string[]
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/**
 * `workers` concurrent writers, each inserting client-generated unique keys
 * one after another through `pool.query()`. An insert that fails is retried
 * with the same key until it is acknowledged (the insert is idempotent), as
 * an application with idempotency keys does; so after any fault, every
 * acknowledged key must be in the table exactly once.
 */
export class InsertLoad {
  readonly #pool: Pool
  readonly #target: FaultTarget
  readonly #table: string
  readonly #acknowledged = new Map<string, number>()
  readonly #pending = new Set<string>()
  readonly #failuresByCode: Record<string, number> = {}
  readonly #failureMessages = new Set<string>()
  #failedAttempts = 0
  #running = false
  #workers: Array<Promise<void>> = []

  constructor(pool: Pool, target: FaultTarget, table: string) {
    this.#pool = pool
    this.#target = target
    this.#table = table
  }

  start(workers: number): void {
    this.#running = true
    this.#workers = Array.from({ length: workers }, (_, i) => this.#work(i))
  }

  get acknowledgedCount(): number {
    return this.#acknowledged.size
  }

  /** The first acknowledgement at or after `since` (ms since the epoch), if any. */
  firstAcknowledgedAfter(since: number): number | undefined {
    let first: number | undefined
    for (const at of this.#acknowledged.values()) if (at >= since && (first === undefined || at < first)) first = at
    return first
  }

  /** Asks every worker to stop after its current attempt; resolves when all have. */
  async stop(): Promise<InsertLoadReport> {
    this.#running = false
    await Promise.all(this.#workers)
    return {
      acknowledged: this.#acknowledged,
      unacknowledged: [...this.#pending],
      failedAttempts: this.#failedAttempts,
      failuresByCode: this.#failuresByCode,
      failureMessages: [...this.#failureMessages],
    }
  }

  async #work(worker: number): Promise<void> {
    for (let n = 0; this.#running; n++) {
      const key = `w${worker}-${n}`
      this.#pending.add(key)
      while (this.#running) {
        const { sql, params } = this.#target.insertKey(this.#table, key)
        try {
          await this.#pool.query(sql, params)
          this.#acknowledged.set(key, Date.now())
          this.#pending.delete(key)
          break
        } catch (error) {
          this.#failedAttempts++
          const code = String((error as { code?: unknown }).code ?? (error as Error).name)
          this.#failuresByCode[code] = (this.#failuresByCode[code] ?? 0) + 1
          for (let e: unknown = error; e instanceof Error; e = e.cause) this.#failureMessages.add(e.message)
          await sleep(20)
        }
      }
    }
  }
}
