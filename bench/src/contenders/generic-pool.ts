import genericPool from 'generic-pool'
import { cycleMeasurer } from '../harness/load.js'
import type { Contender } from '../harness/types.js'
import { StubResource, checkLending } from './stub-resource.js'

/** generic-pool 3 with its defaults (FIFO, no validation, no acquire timeout). */
export function genericPoolOverheadContender(max: number): { contender: Contender; close: () => Promise<void> } {
  const pool = genericPool.createPool<StubResource>(
    {
      create: () => Promise.resolve(new StubResource()),
      destroy: (resource) => {
        resource.alive = false
        return Promise.resolve()
      },
    },
    { max },
  )
  const adapter = {
    acquire: () => pool.acquire(),
    // release() returns a promise that only says the bookkeeping is done; callers do not await it
    release: (resource: StubResource) => void pool.release(resource),
  }
  return {
    contender: {
      name: 'generic-pool',
      role: 'peer',
      check: () => checkLending(adapter.acquire, adapter.release, (r) => r, max),
      measure: cycleMeasurer(adapter),
    },
    close: async () => {
      await pool.drain()
      await pool.clear()
    },
  }
}
