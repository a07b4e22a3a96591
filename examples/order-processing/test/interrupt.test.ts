import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const example = join(dirname(fileURLToPath(import.meta.url)), '..')

describe('the demo on Ctrl-C', () => {
  it('finishes the orders in flight, prints a partial summary with the stock audit, and exits 130', async () => {
    // a file of its own: the other demo tests use the default one at the same time
    const dir = mkdtempSync(join(tmpdir(), 'sluice-demo-interrupt-'))
    // what `pnpm demo` runs, without pnpm around it; a run far too long to finish before the signal
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sluice/source', 'src/main.ts'], {
      cwd: example,
      env: { ...process.env, ORDERS: '1000000', CONCURRENCY: '8', DATABASE_URL: `sqlite:${join(dir, 'orders.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // the first progress line: orders are flowing
    while (!/\norders +\d+\/1000000/.test(stdout) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number | null]
    rmSync(dir, { recursive: true, force: true })
    expect(stderr).toBe('')
    expect(code).toBe(130)
    expect(stdout).toMatch(/interrupted +after \d+ of 1000000 orders \(Ctrl-C\)/)
    expect(stdout).toMatch(/stock audit +\d+ units sold \+ \d+ left = 12500 \(every unit accounted for\)/)
  }, 60_000)
})
