/**
 * A progress bar with rate and ETA: redrawn in place on a terminal, a plain
 * line every second otherwise (CI logs, a file).
 */
export class ProgressBar {
  readonly #total: number
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean }
  readonly #tty: boolean
  readonly #started = performance.now()
  readonly #startCount: number
  #lastDraw = Number.NEGATIVE_INFINITY

  /** `done`: rows already migrated before this run (a resumed run's rate counts only its own rows). */
  constructor(total: number, done: number, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout) {
    this.#total = total
    this.#startCount = done
    this.#out = out
    this.#tty = Boolean(out.isTTY)
  }

  update(done: number): void {
    const now = performance.now()
    if (now - this.#lastDraw < (this.#tty ? 100 : 1_000)) return
    this.#lastDraw = now
    this.#draw(done, now)
  }

  finish(done: number): void {
    this.#draw(done, performance.now())
    if (this.#tty) this.#out.write('\n')
  }

  #draw(done: number, now: number): void {
    const seconds = Math.max((now - this.#started) / 1000, 0.001)
    const rate = (done - this.#startCount) / seconds
    const share = this.#total === 0 ? 1 : Math.min(done / this.#total, 1)
    const eta = rate > 0 ? formatSeconds((this.#total - done) / rate) : '?'
    const text = `${done}/${this.#total} rows (${Math.floor(share * 100)}%) | ${Math.round(rate)} rows/s | ETA ${eta}`
    if (this.#tty) {
      const width = 30
      const filled = Math.round(share * width)
      this.#out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`)
    } else {
      this.#out.write(`${text}\n`)
    }
  }
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}
