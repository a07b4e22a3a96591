import genericPool from 'generic-pool'
import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { cycleMeasurer } from '../harness/load.js'
import { StubResource, checkLending } from './stub-resource.js'

/**
 * generic-pool 3. Default: FIFO, no validation, no acquire timeout, no
 * evictor (already its cheapest path for those). "Tuned" also follows its
 * README's remaining levers: every resource created up front (min = max)
 * and `fifo: false`, so the most recently released resource is lent next
 * (a stack, as Sluice and pg-pool do).
 */
export async function genericPoolOverheadHost(max: number, tuned: boolean): Promise<ContenderHost> {
  const pool = genericPool.createPool<StubResource>(
    {
      create: () => Promise.resolve(new StubResource()),
      destroy: (resource) => {
        resource.alive = false
        return Promise.resolve()
      },
    },
    tuned ? { max, min: max, fifo: false } : { max },
  )
  const adapter = {
    acquire: () => pool.acquire(),
    // release() returns a promise that only says the bookkeeping is done; callers do not await it
    release: (resource: StubResource) => void pool.release(resource),
  }
  const meta = { name: tuned ? 'generic-pool, min = max, fifo: false' : 'generic-pool', role: 'peer' as const, library: 'generic-pool', isDefault: !tuned }
  const cycles = { check: () => checkLending(adapter.acquire, adapter.release, (r) => r, max), measure: cycleMeasurer(adapter) }
  return {
    meta,
    contender: contenderCache(meta, () => cycles),
    close: async () => {
      await pool.drain()
      await pool.clear()
    },
  }
}
