import { describe, expect, it } from 'vitest'
import { PlanRegressionGuard } from '../../src/statements/plan-regression.js'
import { ManualClock } from '../support/manual-clock.js'

const SQL = 'SELECT * FROM pg_catalog.pg_class WHERE relname = $1'

/** Runs one execution of `sql` that takes `millis` on the manual clock. */
async function execute(guard: PlanRegressionGuard, clock: ManualClock, execution: number, millis: number, sql = SQL): Promise<void> {
  await guard.time(sql, execution, async () => {
    await clock.advance(millis)
    return 'rows'
  })
}

/** Five executions on custom plans, then `later` on what may be a generic plan, all on one connection. */
async function runs(guard: PlanRegressionGuard, clock: ManualClock, custom: number[], later: number[], sql = SQL): Promise<void> {
  let execution = 0
  for (const millis of [...custom, ...later]) await execute(guard, clock, ++execution, millis, sql)
}

describe('PlanRegressionGuard', () => {
  it('demotes a statement whose later executions are consistently much slower (a bad generic plan)', async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    // the numbers: 2 ms on custom plans, 16-29 ms once generic
    await runs(guard, clock, [3, 2, 2, 2, 2], [16, 29, 18, 22, 17])
    expect(guard.isDemoted(SQL)).toBe(true)
    expect(guard.isDemoted('SELECT 1')).toBe(false)
  })

  it('decides only once both samples are full', async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    await runs(guard, clock, [2, 2, 2, 2, 2], [20, 20, 20, 20])
    expect(guard.isDemoted(SQL)).toBe(false)
    await execute(guard, clock, 10, 20)
    expect(guard.isDemoted(SQL)).toBe(true)
  })

  it('keeps a statement that is as fast or faster later, and one slow outlier does not count', async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    await runs(guard, clock, [4, 3, 3, 3, 3], [1, 1, 40, 1, 2])
    expect(guard.isDemoted(SQL)).toBe(false)
    // decided: later slow runs change nothing any more
    for (let execution = 11; execution < 20; execution++) await execute(guard, clock, execution, 50)
    expect(guard.isDemoted(SQL)).toBe(false)
  })

  it('ignores sub-millisecond noise on fast statements (the tolerance)', async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    await runs(guard, clock, [0.2, 0.2, 0.2, 0.2, 0.2], [2.2, 2.4, 2.5, 2.3, 2.2])
    expect(guard.isDemoted(SQL)).toBe(false)
  })

  it("counts each connection's executions: the 1st-5th of another connection are custom-plan samples", async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    // five connections each run the statement once (custom), then one connection goes past its 5th
    for (let connection = 0; connection < 5; connection++) await execute(guard, clock, 1, 2)
    for (let execution = 6; execution <= 10; execution++) await execute(guard, clock, execution, 20)
    expect(guard.isDemoted(SQL)).toBe(true)
  })

  it('does not count failed executions', async () => {
    const clock = new ManualClock()
    const guard = new PlanRegressionGuard(clock)
    await runs(guard, clock, [2, 2, 2, 2, 2], [20, 20, 20, 20])
    const failing = guard.time(SQL, 10, async () => {
      await clock.advance(30)
      throw new Error('division by zero')
    })
    await expect(failing).rejects.toThrow('division by zero')
    expect(guard.isDemoted(SQL)).toBe(false)
  })
})
