import tarn from 'tarn'
import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { cycleMeasurer } from '../harness/load.js'
import { StubResource, checkLending } from './stub-resource.js'

/**
 * tarn 3 (Knex's pool). Default: min 2 as Knex configures it. tarn arms a
 * timer for every acquire, even one an idle resource satisfies at once, and
 * its options cannot turn that off (`acquireTimeoutMillis` falls back to
 * 30 s when 0); its fastest documented configuration ("tuned") is the one
 * that leaves the least else to do: every resource created up front
 * (min = max), no validation, and the reaper, which checks idle resources
 * every second by default, nearly never.
 */
export async function tarnOverheadHost(max: number, tuned: boolean): Promise<ContenderHost> {
  const pool = new tarn.Pool<StubResource>({
    create: () => Promise.resolve(new StubResource()),
    destroy: (resource) => {
      resource.alive = false
    },
    min: tuned ? max : 2,
    max,
    ...(tuned ? { reapIntervalMillis: 2 ** 30, idleTimeoutMillis: 2 ** 30 } : {}),
  })
  const adapter = {
    acquire: () => pool.acquire().promise,
    release: (resource: StubResource) => {
      pool.release(resource)
    },
  }
  const meta = { name: tuned ? 'tarn, min = max, no reaping' : 'tarn', role: 'peer' as const, library: 'tarn', isDefault: !tuned }
  const cycles = { check: () => checkLending(adapter.acquire, adapter.release, (r) => r, max), measure: cycleMeasurer(adapter) }
  return {
    meta,
    contender: contenderCache(meta, () => cycles),
    close: async () => {
      await pool.destroy()
    },
  }
}
