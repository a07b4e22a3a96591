import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '@sluice/core'
import { redisLearningStore } from '../../src/index.js'
import { Simulation } from '../../../core/test/support/sim/simulation.js'
import { diurnalRate } from '../../../core/test/support/sim/workload.js'
import { REDIS_PORT } from '../support/redis-servers.js'

const redis = new Redis({ host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: 1 })
const keys: string[] = []
afterAll(async () => {
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

const workload = { rate: diurnalRate({ baseRate: 0.2, peakRate: 2, peakHour: 1, spreadHours: 0 }), holdMillis: () => 2_000 }

describe('redisLearningStore', () => {
  it('keeps what a pool learned in Redis: a restarted pool forecasts from it at once', async () => {
    const key = `sluice-test:learning:${randomUUID()}`
    keys.push(key)
    const first = new Simulation({ workload, pool: { learning: { store: redisLearningStore({ redis, key }) } }, arrivalStepMillis: 10_000 })
    await first.run(3 * 3_600_000)
    await first.close()
    const saved = first.pool.forecast()
    expect(saved.peakHours).toEqual([1])
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ version: 1 })

    const second = new Simulation({ workload, pool: { learning: { store: redisLearningStore({ redis, key }) } }, startEpochMillis: first.clock.now() })
    await second.pool.ready()
    await vi.waitFor(() => expect(second.pool.forecast().observedMinutes).toBe(saved.observedMinutes))
    expect(second.pool.forecast().peakHours).toEqual([1])
    await second.close()
  })

  it('loads nothing from a key never written', async () => {
    expect(await redisLearningStore({ redis, key: `sluice-test:learning:${randomUUID()}` }).load()).toBeUndefined()
  })

  it('refuses bad options, naming them', () => {
    expect(() => redisLearningStore({ redis, key: '' })).toThrow(ConfigError)
    expect(() => redisLearningStore({ redis, key: '' })).toThrow('invalid option redisLearningStore.key')
    expect(() => redisLearningStore({ redis: {} as Redis, key: 'k' })).toThrow('invalid option redisLearningStore.redis')
    expect(() => redisLearningStore({ redis, key: 'k', timeoutMillis: 0 })).toThrow('invalid option redisLearningStore.timeoutMillis = 0')
  })
})
