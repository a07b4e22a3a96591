import { createPool, sqlite } from '@sluice/core'
import { afterAll, describe, expect, it } from 'vitest'
import { Sampler } from '../../src/collect/sampler.js'
import { PoolRegistry } from '../../src/registry/pool-registry.js'

const healthy = createPool({ dialect: sqlite({ filename: ':memory:' }), name: 'healthy', min: 0, max: 1 })
afterAll(() => healthy.close())

// a pool whose statistics fail to read: the one thing a real pool never does, so a hand-made one
const failing = {
  stats: () => {
    throw new Error('stats exploded')
  },
  metrics: () => {
    throw new Error('metrics exploded')
  },
  routingStats: () => undefined,
  workflowHistory: () => ({}),
  closed: false,
  on() {
    return this
  },
  off() {
    return this
  },
}

describe('the sampler', () => {
  it('leaves a pool whose statistics cannot be read out of the frame, and samples the others', () => {
    const registry = new PoolRegistry(() => 1_000)
    registry.add(healthy)
    registry.add(failing, 'failing')
    const frames: number[] = []
    const sampler = new Sampler(registry, 1_000, () => 1_000)
    sampler.subscribe(() => {
      throw new Error('a broken listener')
    })
    sampler.subscribe((frame) => frames.push(frame.pools.length))
    expect(sampler.sample().pools.map((p) => p.name)).toEqual(['healthy'])
    // a throwing listener did not keep the next one from its frame
    expect(frames).toEqual([1])
    expect(sampler.history()).toHaveLength(1)
  })
})
