import type { Pool } from '@sluice/core'

/**
 * One status line while the demo runs: rewritten in place on a terminal, a
 * line a second otherwise (CI logs).
 */
export class ProgressLine {
  readonly #pool: Pool
  readonly #total: number
  readonly #started = performance.now()
  readonly #tty = Boolean(process.stdout.isTTY)
  #lastPrint = 0

  constructor(pool: Pool, total: number) {
    this.#pool = pool
    this.#total = total
  }

  update(done: number): void {
    const now = performance.now()
    if (now - this.#lastPrint < (this.#tty ? 100 : 1_000)) return
    this.#lastPrint = now
    this.#print(done, now)
  }

  finish(done: number): void {
    this.#print(done, performance.now())
    if (this.#tty) process.stdout.write('\n')
  }

  #print(done: number, now: number): void {
    const { currentState, connections } = this.#pool.stats()
    const seconds = (now - this.#started) / 1000
    const line =
      `orders ${String(done).padStart(String(this.#total).length)}/${this.#total} (${Math.floor((done / this.#total) * 100)}%)` +
      ` | ${Math.round(done / Math.max(seconds, 0.001))} orders/s` +
      ` | pool ${currentState.totalConnections} open, ${currentState.activeConnections} busy, ${currentState.pendingAcquires} waiting` +
      ` | recycled ${connections.recycled}`
    if (this.#tty) process.stdout.write(`\r${line}`)
    else console.log(line)
  }
}
