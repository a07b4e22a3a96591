import type { ResolvedPoolConfig } from '../config/pool-config.js'
import type { EntryLease, PoolEntry } from '../connection/pool-entry.js'
import type { TimerHandle } from '../util/clock.js'

export const RETIRE_REASONS = ['lifetime', 'idle', 'health', 'broken', 'destroyed', 'reset-failed', 'pool-closed'] as const
/** Why the pool closed a connection. */
export type RetireReason = (typeof RETIRE_REASONS)[number]

/** What the housekeeper may do to the pool: the connection lifecycle and the bag's views. */
export interface HousekeepingTarget {
  readonly config: ResolvedPoolConfig
  /** Idle connections, the longest idle first. */
  idleConnections(): readonly PoolEntry[]
  /** Leases currently lent out. */
  activeLeases(): Iterable<EntryLease>
  totalConnections(): number
  retire(entry: PoolEntry, reason: RetireReason): void
  checkHealth(entry: PoolEntry): void
  reportLeak(lease: EntryLease, heldMillis: number): void
  /** Connections kept open however long they idle: `min`, or the adaptive target. */
  floor(): number
  /** Idle time after which a connection beyond the floor is closed; 0 never. */
  idleMillis(): number
  /** Learning's sample and sizing decision, before the refill. */
  adapt(): void
  /** Opens connections up to the floor and for waiting acquires. */
  replenish(): void
  log(level: 'error', message: string, details?: Record<string, unknown>, topic?: 'housekeeping'): void
}

/**
 * One timer for all background work (HikariCP's HouseKeeper). Each tick:
 * learning's sample and sizing decision; retire idle connections past their
 * lifetime, below the health threshold or idle too long beyond the floor
 * (`min`, or the adaptive target); health-check idle connections that are due;
 * report leaks; refill to `min`. It only ever touches idle connections: a
 * borrowed one is left alone until it comes back.
 */
export class Housekeeper {
  readonly #target: HousekeepingTarget
  #timer: TimerHandle | undefined
  #running = false

  constructor(target: HousekeepingTarget) {
    this.#target = target
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule()
  }

  stop(): void {
    this.#running = false
    if (this.#timer) this.#target.config.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** One round of housekeeping; public so tests with a manual clock can drive it. */
  tick(): void {
    const target = this.#target
    try {
      const { config } = target
      const now = config.clock.now()
      target.adapt()
      const idleMillis = target.idleMillis()
      for (const entry of [...target.idleConnections()]) {
        if (entry.state !== 'idle') continue
        if (now >= entry.expiresAt) target.retire(entry, 'lifetime')
        else if (entry.health < config.healthThreshold) target.retire(entry, 'health')
        else if (idleMillis > 0 && now - entry.idleSince >= idleMillis && target.totalConnections() > target.floor()) {
          target.retire(entry, 'idle')
        } else if (config.healthCheckIntervalMillis > 0 && now - entry.verifiedAt >= config.healthCheckIntervalMillis) {
          target.checkHealth(entry)
        }
      }
      if (config.leakDetectionThresholdMillis > 0) {
        for (const lease of target.activeLeases()) {
          const held = now - lease.acquiredAt
          if (!lease.leakReported && held >= config.leakDetectionThresholdMillis) {
            lease.leakReported = true
            target.reportLeak(lease, held)
          }
        }
      }
      target.replenish()
    } catch (error) {
      target.log('error', 'housekeeping failed', { error }, 'housekeeping')
    }
  }

  #schedule(): void {
    const { clock, housekeepingIntervalMillis } = this.#target.config
    // upkeep nobody waits on: it never keeps the process alive
    this.#timer = clock.setTimeout(
      () => {
        if (!this.#running) return
        this.tick()
        this.#schedule()
      },
      housekeepingIntervalMillis,
      'background',
    )
  }
}
