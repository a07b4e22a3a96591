import { describe, expect, it } from 'vitest'
import { flush } from '../support/manual-clock.js'
import { stubPool } from '../support/stub-pool.js'

describe('workflow scopes', () => {
  it('releases what a workflow leaked when it completes, and counts it', async () => {
    const { pool, logs } = stubPool({ max: 3 })
    await pool.onWorkflowStart('wf-1', 'orders')
    const a = await pool.acquire({ workflowId: 'wf-1' })
    const b = await pool.acquire({ workflowId: 'wf-1' })
    a.release()
    await pool.acquire({ workflowId: 'wf-1' })
    const done = await pool.onWorkflowComplete('wf-1')
    expect(done).toEqual({ workflowId: 'wf-1', peakConnections: 2, leakedConnections: 2 })
    expect(b.released).toBe(true)
    expect(pool.stats().currentState.activeConnections).toBe(0)
    expect(pool.stats().workflows).toEqual({ active: 0, completed: 1, leakedConnectionsReleased: 2 })
    expect(logs.filter((l) => l.message.includes('completed still holding'))).toHaveLength(2)
    await pool.close()
  })

  it('attributes acquires inside runWorkflow across awaits without passing an id', async () => {
    const { pool } = stubPool({ max: 5 })
    let leaked: unknown
    await pool.runWorkflow('report', async () => {
      const a = await pool.acquire()
      await flush()
      leaked = await pool.acquire()
      a.release()
    })
    expect((leaked as { released: boolean }).released).toBe(true)
    expect(pool.stats().workflows.leakedConnectionsReleased).toBe(1)
    expect(pool.workflowHistory()).toEqual({ report: [2] })
    await pool.close()
  })

  it('keeps concurrent workflows apart', async () => {
    const { pool } = stubPool({ max: 6 })
    const run = (n: number) =>
      pool.runWorkflow('batch', async () => {
        const held = await Promise.all(Array.from({ length: n }, () => pool.acquire()))
        await flush()
        for (const conn of held) conn.release()
      })
    await Promise.all([run(1), run(2), run(3)])
    expect(pool.workflowHistory().batch?.slice().sort()).toEqual([1, 2, 3])
    await pool.close()
  })

  it('remembers each run\'s peak, bounded by max', async () => {
    const { pool } = stubPool({ min: 0, max: 8 })
    for (const peak of [2, 3, 4, 4, 5, 4, 3, 4, 4, 20]) {
      await pool.runWorkflow('import', async () => {
        const held = await Promise.all(Array.from({ length: Math.min(peak, 8) }, () => pool.acquire()))
        for (const conn of held) conn.release()
      })
    }
    expect(pool.workflowHistory().import).toEqual([2, 3, 4, 4, 5, 4, 3, 4, 4, 8])
    await pool.close()
  })

  it('opens connections at workflow start from learned history', async () => {
    const { pool, dialect } = stubPool({ min: 0, max: 10, maxIdleMillis: 1, housekeepingIntervalMillis: 10 })
    await pool.runWorkflow('etl', async () => {
      const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()])
      for (const conn of held) conn.release()
    })
    expect(dialect.open.length).toBe(4)
    // all four idle: pre-warm has nothing to open
    expect(await pool.onWorkflowStart('etl-2', 'etl')).toEqual({ preWarmed: 0 })
    await pool.onWorkflowComplete('etl-2')
    for (const c of dialect.open) dialect.kill(c)
    await flush()
    expect(dialect.open.length).toBe(0)
    expect(await pool.onWorkflowStart('etl-3', 'etl')).toEqual({ preWarmed: 4 })
    expect(dialect.open.length).toBe(4)
    expect(await pool.onWorkflowStart('other', 'never-seen')).toEqual({ preWarmed: 0 })
    await pool.close()
  })

  it('rejects duplicate and unknown workflow ids with clear errors', async () => {
    const { pool } = stubPool()
    await pool.onWorkflowStart('w', 't')
    await expect(pool.onWorkflowStart('w', 't')).rejects.toThrow('Workflow "w" has already started')
    await expect(pool.onWorkflowComplete('nope')).rejects.toThrow('Unknown workflow "nope"')
    await expect(pool.acquire({ workflowId: 'nope' })).rejects.toThrow('Unknown workflow "nope": call onWorkflowStart first')
    await pool.close()
  })
})
