import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { cycleMeasurer } from '../harness/load.js'
import { StubResource, checkLending } from './stub-resource.js'

/**
 * The floor: the least an asynchronous acquire/release can cost. An array
 * used as a stack of idle resources (created up front, never checked,
 * never timed out) and a FIFO array of waiting resolvers. Any real pool
 * does at least this much; the ratio to it says how much more.
 */
export class BareStackPool<R> {
  readonly #idle: R[]
  readonly #waiting: Array<(resource: R) => void> = []

  constructor(resources: R[]) {
    this.#idle = resources
  }

  acquire(): Promise<R> {
    const resource = this.#idle.pop()
    if (resource !== undefined) return Promise.resolve(resource)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  release(resource: R): void {
    const next = this.#waiting.shift()
    if (next) next(resource)
    else this.#idle.push(resource)
  }
}

export async function bareStackHost(max: number): Promise<ContenderHost> {
  const pool = new BareStackPool(Array.from({ length: max }, () => new StubResource()))
  const meta = { name: 'bare stack', role: 'ceiling' as const }
  const cycles = { check: () => checkLending(() => pool.acquire(), (r) => pool.release(r), (r) => r, max), measure: cycleMeasurer(pool) }
  return { meta, contender: contenderCache(meta, () => cycles), close: async () => {} }
}
