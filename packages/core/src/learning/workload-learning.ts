import { ADAPTIVE_SIZING, LEARNING_DEFAULTS } from '../config/defaults.js'
import type { ResolvedPoolConfig } from '../config/pool-config.js'
import type { ServerRoom } from '../dialect.js'
import type { Logger } from '../util/logger.js'
import { AdaptiveSizer } from './adaptive-sizer.js'
import { DemandBuckets } from './demand-buckets.js'
import { clamp, sizeForDemand } from './demand-size.js'
import { forecastFrom } from './forecast.js'
import type { SizeChange } from './size-change.js'
import type { SizingStats } from './sizing-stats.js'
import type { WorkloadForecast, WorkloadForecaster } from './workload-forecast.js'
import { WorkloadRecorder } from './workload-recorder.js'

/** What learning reads of the pool it runs for. */
export interface LearningHost {
  readonly config: ResolvedPoolConfig
  readonly log: Logger
  /** Acquires so far, served or timed out. */
  arrivals(): number
  /** Connections lent or held plus acquires waiting, now. */
  demand(): number
  /** The most `demand()` reached since the last call. */
  takePeakDemand(): number
  /** Connections open (or opening) now. */
  open(): number
  /** The server's room, read on an idle connection; undefined when none is idle or the dialect cannot tell. */
  readServerRoom(): Promise<ServerRoom | undefined>
  /** The adaptive target moved. */
  resized(change: SizeChange): void
}

/**
 * What the pool learns of its workload, in one place: the recorder (one
 * sample per housekeeping tick), the calendar buckets and their store, the
 * forecast, and with `sizing: 'adaptive'` the sizer, the server's room and
 * predictive pre-warming. The pool asks it for its `floor()` (connections
 * kept open) and `ceiling()` (most it may open).
 */
export class WorkloadLearning implements WorkloadForecaster {
  readonly #host: LearningHost
  readonly #buckets = new DemandBuckets()
  readonly #recorder = new WorkloadRecorder(this.#buckets)
  readonly #sizer: AdaptiveSizer | undefined
  /** Wall-clock time at the pool clock's 0. */
  readonly #epochOrigin: number
  #serverCeiling = Number.POSITIVE_INFINITY
  #serverRoom: ServerRoom | undefined
  #serverRoomReadAt = Number.NEGATIVE_INFINITY
  #readingRoom = false
  #savedAt: number
  #saving: Promise<void> | undefined
  #changes = 0
  #lastChange: SizeChange | undefined
  #forecastFloor = 0
  /** The minute the forecast floor was worked out for: once a minute is enough. */
  #floorMinute = -1

  constructor(host: LearningHost) {
    this.#host = host
    const { clock, sizing, min } = host.config
    this.#epochOrigin = (clock.epochNow?.() ?? Date.now()) - clock.now()
    this.#savedAt = clock.now()
    this.#sizer = sizing === 'adaptive' ? new AdaptiveSizer(ADAPTIVE_SIZING, min) : undefined
    // until the server's room is known, adaptive sizing opens no more than min (at least one, to read it)
    if (this.#sizer && host.config.dialect.serverRoom) this.#serverCeiling = Math.max(1, min)
  }

  /** Restores what the store kept, if there is a store. */
  async start(): Promise<void> {
    const store = this.#host.config.learning?.store
    if (!store) return
    try {
      const snapshot = await store.load()
      if (snapshot !== undefined && !this.#buckets.merge(snapshot)) this.#host.log('warn', 'the learning store held something else than a workload snapshot; starting afresh')
    } catch (error) {
      this.#host.log('warn', 'could not load what the pool learned before; starting afresh', { error })
    }
  }

  /** Connections the pool keeps open. */
  floor(): number {
    return this.#sizer?.target ?? this.#host.config.min
  }

  /** The most connections the pool may open: `max`, or with adaptive sizing the server's room. */
  ceiling(): number {
    return Math.min(this.#host.config.max, this.#serverCeiling)
  }

  /** Idle time after which a connection beyond the floor is retired. */
  get idleMillis(): number {
    return this.#sizer ? ADAPTIVE_SIZING.idleMillis : this.#host.config.maxIdleMillis
  }

  /** One housekeeping tick: a sample, the sizing decision, the store. */
  tick(): void {
    const host = this.#host
    const now = host.config.clock.now()
    const peak = host.takePeakDemand()
    this.#recorder.observe({ epochMillis: this.#epochOrigin + now, arrivals: host.arrivals(), demand: host.demand() })
    if (this.#sizer) this.#size(now, peak)
    if (now - this.#savedAt >= (host.config.learning?.saveIntervalMillis ?? LEARNING_DEFAULTS.saveIntervalMillis)) void this.save()
  }

  forecast(): WorkloadForecast {
    const { config } = this.#host
    return forecastFrom(this.#buckets, this.#epochOrigin + config.clock.now(), { min: config.min, ceiling: this.ceiling(), z: LEARNING_DEFAULTS.forecastZ })
  }

  stats(): SizingStats {
    const { config } = this.#host
    return {
      mode: config.sizing,
      target: this.floor(),
      ceiling: this.ceiling(),
      forecastFloor: this.#forecastFloor,
      serverRoom: this.#serverRoom,
      changes: this.#changes,
      lastChange: this.#lastChange,
      recentArrivalsPerSecond: Math.round(this.#recorder.recentRate * 1000) / 1000,
      recentDemand: Math.round(this.#recorder.recentDemand * 1000) / 1000,
    }
  }

  /** Writes the buckets to the store (there is one); one write at a time. */
  save(): Promise<void> {
    const { config, log } = this.#host
    const store = config.learning?.store
    if (!store) return Promise.resolve()
    this.#savedAt = config.clock.now()
    this.#saving ??= store
      .save(this.#buckets.snapshot())
      .catch((error: unknown) => log('warn', 'could not save what the pool learned', { error }))
      .finally(() => (this.#saving = undefined))
    return this.#saving
  }

  /** The pool is closing: the minute so far counts, and the store gets the last word. */
  async close(): Promise<void> {
    this.#recorder.flush()
    await this.#saving
    await this.save()
  }

  #size(now: number, peakDemand: number): void {
    const { config } = this.#host
    if (this.roomDue) void this.readServerRoom(() => this.#host.readServerRoom())
    const minute = Math.floor((this.#epochOrigin + now) / 60_000)
    if (minute !== this.#floorMinute) {
      this.#floorMinute = minute
      this.#forecastFloor = this.#predictedFloor(now)
    }
    const change = this.#sizer!.decide({
      now,
      peakDemand,
      recentDemand: this.#recorder.recentDemand,
      forecastFloor: this.#forecastFloor,
      min: config.min,
      ceiling: this.ceiling(),
    })
    if (!change) return
    this.#changes++
    this.#lastChange = change
    this.#host.resized(change)
  }

  /**
   * Predictive pre-warming: what the forecast says this hour needs, and,
   * within the lead time of the next hour, what that one needs; 0 until the
   * forecast has seen every hour of the day.
   */
  #predictedFloor(now: number): number {
    const forecast = this.forecast()
    if (forecast.confidence !== 'medium' && forecast.confidence !== 'high') return 0
    const epoch = this.#epochOrigin + now
    const toNextHour = 3_600_000 - (epoch % 3_600_000)
    const busy = Math.max(forecast.now?.busyConnections ?? 0, toNextHour <= ADAPTIVE_SIZING.preWarmLeadMillis ? (forecast.next?.busyConnections ?? 0) : 0)
    return clamp(sizeForDemand(busy, ADAPTIVE_SIZING.z), 0, this.ceiling())
  }

  /** With adaptive sizing on a dialect that can tell: the server's room is due for a reading (a new connection takes it before it is lent). */
  get roomDue(): boolean {
    const { clock, dialect } = this.#host.config
    return this.#sizer !== undefined && dialect.serverRoom !== undefined && !this.#readingRoom && clock.now() - this.#serverRoomReadAt >= ADAPTIVE_SIZING.serverRoomIntervalMillis
  }

  /** Takes a reading of the server's room with `read`; the ceiling follows it. Never rejects. */
  async readServerRoom(read: () => Promise<ServerRoom | undefined>): Promise<void> {
    if (this.#readingRoom) return
    this.#readingRoom = true
    const host = this.#host
    const now = host.config.clock.now()
    try {
      const room = await read()
      if (room === undefined) return
      this.#serverRoomReadAt = now
      this.#serverRoom = room
      const free = room.maxConnections - room.reservedForSuperuser - room.inUse
      // at least one connection, so the pool can serve and read the room again
      this.#serverCeiling = Math.max(1, host.open() + free - host.config.reservedConnections)
    } catch (error) {
      this.#serverRoomReadAt = now
      host.log('warn', 'could not read the server room; keeping the last ceiling', { error })
    } finally {
      this.#readingRoom = false
    }
  }
}
