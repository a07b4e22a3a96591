import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

export interface MachineInfo {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly v8: string
  readonly platform: string
  /** 1-minute load average when the run started: on a shared machine, context for the spread. */
  readonly loadAverage: number
  /** The commit measured, and whether the engine had uncommitted changes on top of it. */
  readonly revision: string
}

/** The machine a run measured, as the report prints it. */
export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    revision: revision(),
  }
}

function revision(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const head = git('rev-parse', '--short', 'HEAD')
    const dirty = git('status', '--porcelain', '--', 'packages/core', 'adapters').length > 0
    return dirty ? `${head} + uncommitted changes in packages/core or adapters` : head
  } catch {
    return 'unknown (not a git checkout)'
  }
}

function cpuModel(): string {
  try {
    // /proc/cpuinfo is the source the docs name; os.cpus() agrees on Linux
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1]) return match[1].trim()
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown'
}

/** Runs a full collection when the process was started with --expose-gc (the CLI makes sure it is). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    // twice: the first pass may only queue finalizers whose objects the second frees
    gc()
    gc()
  }
}

export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function'
}
