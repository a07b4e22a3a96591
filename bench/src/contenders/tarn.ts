import tarn from 'tarn'
import { cycleMeasurer } from '../harness/load.js'
import type { Contender } from '../harness/types.js'
import { StubResource, checkLending } from './stub-resource.js'

/**
 * tarn 3 (Knex's pool) with its defaults; min 2 as Knex configures it.
 * tarn arms a timer for every acquire, even one an idle resource satisfies
 * at once: that is its default bookkeeping, and it is measured as such.
 */
export async function tarnOverheadContender(max: number): Promise<{ contender: Contender; close: () => Promise<void> }> {
  const pool = new tarn.Pool<StubResource>({
    create: () => Promise.resolve(new StubResource()),
    destroy: (resource) => {
      resource.alive = false
    },
    min: 2,
    max,
  })
  const adapter = {
    acquire: () => pool.acquire().promise,
    release: (resource: StubResource) => {
      pool.release(resource)
    },
  }
  return {
    contender: {
      name: 'tarn',
      role: 'peer',
      check: () => checkLending(adapter.acquire, adapter.release, (r) => r, max),
      measure: cycleMeasurer(adapter),
    },
    close: async () => {
      await pool.destroy()
    },
  }
}
