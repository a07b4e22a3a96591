import { spawn } from 'node:child_process'

/** How a child process ended. */
export interface ChildOutcome {
  /** Exit code; null when a signal (or our timeout) ended it. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly millis: number
  /** It was still running at the bound and was killed. */
  readonly timedOut: boolean
}

/**
 * Runs a TypeScript fixture in its own Node process, as a user's script runs:
 * no test runner around it, no handler for unhandled rejections or uncaught
 * errors, so a crash, a silent exit and an exit code are what they would be
 * in production. `@sluice/core` resolves to its sources, as in the tests.
 */
export function runChild(fixture: string, args: readonly string[], boundMillis: number): Promise<ChildOutcome> {
  const startedAt = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', fixture, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, boundMillis)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, millis: Math.round(performance.now() - startedAt), timedOut })
    })
  })
}

/** The last line of `stdout` that parses as JSON: what a fixture reports. */
export function reportOf<T>(outcome: ChildOutcome): T {
  const lines = outcome.stdout.trim().split('\n').reverse()
  for (const line of lines) {
    if (!line.startsWith('{')) continue
    try {
      return JSON.parse(line) as T
    } catch {
      // not the report
    }
  }
  throw new Error(`the child printed no JSON report (exit ${outcome.code}, signal ${outcome.signal}${outcome.timedOut ? ', timed out' : ''})\nstdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`)
}
