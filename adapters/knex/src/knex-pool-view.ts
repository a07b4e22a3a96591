import type { Pool } from '@sluice/core'

/**
 * What stock Knex keeps in `knex.client.pool` (a tarn pool), for the code
 * that reads it: tarn's counters, `destroyed` and `destroy()`, answered from
 * the Sluice pool underneath. Monitoring written for stock Knex
 * (`knex.client.pool.numUsed()`) keeps working; acquiring goes through the
 * client as always. The Sluice pool itself is `sluiceOf(knex)`.
 */
export class KnexPoolView {
  readonly #pool: Pool
  #destroyed = false

  constructor(pool: Pool) {
    this.#pool = pool
  }

  /** True from the moment `destroy()` starts, as tarn has it. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  numUsed(): number {
    return this.#pool.stats().currentState.activeConnections
  }

  numFree(): number {
    return this.#pool.stats().currentState.availableConnections
  }

  numPendingAcquires(): number {
    return this.#pool.stats().currentState.pendingAcquires
  }

  numPendingCreates(): number {
    return this.#pool.stats().currentState.pendingCreates
  }

  /** Sluice checks connections in the background, never while an acquire waits. */
  numPendingValidations(): number {
    return 0
  }

  /** Closes the Sluice pool (`pool.close()`, which waits up to `closeTimeoutMillis` for borrowed connections). */
  destroy(): Promise<void> {
    this.#destroyed = true
    return this.#pool.close()
  }
}
