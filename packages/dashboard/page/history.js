// @ts-check

/** Points kept per series: 5 minutes at the default refresh. */
export const HISTORY_POINTS = 300
/** Pool events kept, newest first. */
export const HISTORY_EVENTS = 40

/** @typedef {import('../src/collect/snapshot.js').PoolEventRecord} PoolEventRecord */

/**
 * The recent values of one pool's series, aligned on one time axis (seconds,
 * as uPlot wants). A series first seen later is null before that; a missing
 * value is null (a gap in the chart), never zero.
 */
export class PoolHistory {
  /** @type {number[]} */
  times = []
  /** @type {Map<string, (number | null)[]>} */
  #series = new Map()
  /** @type {PoolEventRecord[]} newest first */
  events = []
  /** Events the server left out of its frames (too many at once). */
  eventsDropped = 0

  /**
   * @param {readonly PoolEventRecord[]} events oldest first, as a frame carries them
   * @param {number} dropped
   */
  pushEvents(events, dropped) {
    if (events.length > 0) this.events = [...events.slice().reverse(), ...this.events].slice(0, HISTORY_EVENTS)
    this.eventsDropped += dropped
  }

  /**
   * @param {number} at ms since the epoch
   * @param {Record<string, number | null>} values
   */
  push(at, values) {
    this.times.push(at / 1000)
    for (const key of Object.keys(values)) {
      if (!this.#series.has(key)) this.#series.set(key, new Array(this.times.length - 1).fill(null))
    }
    for (const [key, list] of this.#series) list.push(values[key] ?? null)
    if (this.times.length > HISTORY_POINTS) {
      this.times.shift()
      for (const list of this.#series.values()) list.shift()
    }
  }

  /**
   * @param {string} key
   * @returns {(number | null)[]}
   */
  get(key) {
    return this.#series.get(key) ?? new Array(this.times.length).fill(null)
  }

  /**
   * Keys starting with `prefix`, in the order first seen.
   * @param {string} prefix
   * @returns {string[]}
   */
  keys(prefix) {
    return [...this.#series.keys()].filter((key) => key.startsWith(prefix))
  }
}
