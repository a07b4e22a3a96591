import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { SuiteCommand } from './suites/suite.js'

/** Longest a suite may run before the harness stops it. */
const SUITE_TIMEOUT_MILLIS = 40 * 60_000

/**
 * Runs one command with its output appended to `logFile`, and resolves with
 * its exit code (a failing test run exits non-zero, which is not an error
 * here). A run that outlives the timeout is stopped, with its process group.
 */
export function runCommand(command: SuiteCommand, logFile: string): Promise<number> {
  const log = createWriteStream(logFile, { flags: 'a' })
  log.write(`\n$ ${command.argv.join(' ')}\n`)
  const [program, ...args] = command.argv
  const child = spawn(program!, args, { cwd: command.cwd, env: { ...process.env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  const timer = setTimeout(() => {
    log.write(`\n[conformance] stopped after ${SUITE_TIMEOUT_MILLIS} ms\n`)
    process.kill(-child.pid!, 'SIGKILL')
  }, SUITE_TIMEOUT_MILLIS)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      log.end(() => resolve(code ?? 1))
    })
  })
}
