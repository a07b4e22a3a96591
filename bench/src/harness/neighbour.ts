import { spawn, type ChildProcess } from 'node:child_process'

/**
 * A process of our own that burns one core while a `busy` case runs: what
 * another service on the same app server does to the pool's process. On
 * this 2-core machine it leaves one core to share between Node and the
 * database server, which is where a client that needs fewer wake-ups and
 * system calls per query pulls ahead.
 */
export class BusyNeighbour {
  readonly #child: ChildProcess
  readonly #killOnExit = (): void => {
    this.#child.kill('SIGKILL')
  }

  private constructor(child: ChildProcess) {
    this.#child = child
    process.once('exit', this.#killOnExit)
  }

  static start(): BusyNeighbour {
    // a tight loop with no I/O: one full core until killed
    return new BusyNeighbour(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
  }

  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit)
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.kill('SIGKILL')
    await exited
  }
}
