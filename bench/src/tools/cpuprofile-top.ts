/**
 * Prints the functions with the most self time in a V8 .cpuprofile (what
 * `node --cpu-prof`, or `pnpm bench <scenario> --profile`, writes), with their
 * share of all samples, so a report can name the hot functions.
 *
 *   tsx bench/src/tools/cpuprofile-top.ts bench/results/profiles/CPU.*.cpuprofile [--top 25] [--filter sluice] [--ops N]
 *
 * With `--ops N` (the operations the profiled run completed), every line
 * also shows microseconds per operation, which compares across runs of
 * different lengths and pools of different speeds.
 *
 * Also prints self time summed per source file, which shows at a glance how
 * much of the process went to the engine, the driver, the harness and V8's
 * own work (GC, idle).
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number }
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly startTime: number
  readonly endTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

function main(): void {
  const args = process.argv.slice(2)
  let top = 25
  let filter: string | undefined
  let ops: number | undefined
  const files: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i])
    else if (args[i] === '--filter') filter = args[++i]
    else if (args[i] === '--ops') ops = Number(args[++i])
    else files.push(args[i]!)
  }
  if (files.length === 0) {
    console.error('usage: cpuprofile-top.ts <file.cpuprofile> [--top N] [--filter text]')
    process.exit(2)
  }
  for (const file of files) summarize(file, top, filter, ops)
}

function summarize(file: string, top: number, filter: string | undefined, ops: number | undefined): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  // self time per node: each sample's delta goes to the node that was on top of the stack
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame
    const where = shortUrl(frame.url)
    const key = `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
    const fileKey = where || frame.functionName
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + micros)
  }
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms sampled`)
  console.log('\nself time by function:')
  for (const [key, micros] of sortDesc(byFunction)
    .filter(([k]) => !filter || k.toLowerCase().includes(filter.toLowerCase()))
    .slice(0, top)) {
    console.log(line(micros, total, ops, key))
  }
  console.log('\nself time by file:')
  for (const [key, micros] of sortDesc(byFile).slice(0, top)) console.log(line(micros, total, ops, key))
}

function line(micros: number, total: number, ops: number | undefined, key: string): string {
  const perOp = ops ? `${(micros / ops).toFixed(3).padStart(9)} µs/op  ` : ''
  return `  ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(1).padStart(8)} ms  ${perOp}${key}`
}

function sortDesc(map: Map<string, number>): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1])
}

function shortUrl(url: string): string {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '')
  const pnpm = path.lastIndexOf('/node_modules/')
  if (pnpm !== -1) return path.slice(pnpm + '/node_modules/'.length)
  const repo = path.indexOf('/packages/')
  if (repo !== -1) return path.slice(repo + 1)
  const bench = path.indexOf('/bench/')
  return bench !== -1 ? path.slice(bench + 1) : path
}

main()
