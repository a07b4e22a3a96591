/**
 * Instructions per operation, counted by valgrind's callgrind: a number that
 * does not move with the machine's load (the shared 2-core VM this suite
 * runs on swings from idle to a load average of 50), so two pools can be
 * compared, or two versions of one, when wall-clock rates cannot.
 *
 *   tsx bench/src/tools/instructions.ts [--concurrency 1,16] [--only Sluice,pg-pool] [--ops 100000] [--kind cycles|query]
 *   tsx bench/src/tools/instructions.ts --pg [--kind select1|point] [--ops 10000] [--shared]
 *
 * Each pool of `pool-overhead` runs in its own process under callgrind
 * twice, measuring N and then 3N operations after the same warm-up of 2N;
 * instructions per operation are the difference of the two totals divided
 * by the difference of the operation counts, so start-up, module loading
 * and JIT warm-up cancel out. node runs
 * with --single-threaded (no concurrent compiler or GC threads), which makes
 * the counts repeatable to about 1-2%.
 *
 * Instructions are not time (a cache miss costs more than an add), but for
 * the pure-JavaScript bookkeeping of a pool they track CPU time closely and,
 * unlike it, do not depend on what else runs.
 *
 * `--pg` counts the client's instructions per statement on PostgreSQL
 * instead (`SLUICE_TEST_PG_URL` / `BENCH_PG_URL`): Sluice's pool.query()
 * against pg.Pool with `idleTimeoutMillis: 0`. The server's work is not
 * counted (another process), but timers fire more often per statement under
 * valgrind and replies batch differently, so compare versions of one client
 * rather than reading the ratio between clients as exact. With `--shared`
 * each client runs with the other warmed up in turns and left open in its
 * process, as the suite's default (no `--isolate`) runs them.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { PG_URL, POOL_MAX } from '../config.js'
import { ensurePgAccounts } from '../fixtures/accounts.js'
import { OVERHEAD_HOSTS } from '../scenarios/pool-overhead.js'

const run = promisify(execFile)
const WORKLOAD = fileURLToPath(new URL('./host-workload.ts', import.meta.url))

interface Args {
  concurrency: number[]
  only: string[] | undefined
  ops: number
  kind: string
  pg: boolean
  /** `--pg --shared`: each client measured with the other one warmed up and open in its process (the suite's default). */
  shared: boolean
}

const contenders = (file: string): string => new URL(`../contenders/${file}`, import.meta.url).href

/** The clients `--pg` compares, each in its fastest configuration. */
const PG_HOSTS = [
  { name: 'Sluice', module: contenders('sluice.js'), factory: 'sluicePgHost', args: [PG_URL, POOL_MAX] },
  { name: 'pg.Pool, idleTimeoutMillis: 0', module: contenders('pg.js'), factory: 'pgPoolHost', args: [PG_URL, POOL_MAX, true] },
] as const

function parse(argv: readonly string[]): Args {
  const args: Args = { concurrency: [1, 16], only: undefined, ops: 100_000, kind: 'cycles', pg: argv.includes('--pg'), shared: argv.includes('--shared') }
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1]
    if (argv[i] === '--concurrency' && v) args.concurrency = v.split(',').map(Number)
    else if (argv[i] === '--only' && v) args.only = v.split(',')
    else if (argv[i] === '--ops' && v) args.ops = Number(v)
    else if (argv[i] === '--kind' && v) args.kind = v
    else continue
    i++
  }
  return args
}

async function count(spec: string, kind: string, concurrency: number, warmup: number, operations: number, coTenant: string | undefined): Promise<{ instructions: number; ops: number }> {
  const { stdout, stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...process.execArgv, WORKLOAD, spec, kind,
      String(concurrency), String(warmup), String(operations), ...(coTenant === undefined ? [] : [coTenant]),
    ],
    { maxBuffer: 1 << 24 },
  )
  const instructions = /Collected : (\d+)/.exec(stderr)
  const ops = /ops=(\d+)/.exec(stdout)
  if (!instructions || !ops) throw new Error(`unexpected callgrind output: ${stderr.slice(-300)} ${stdout.slice(-300)}`)
  return { instructions: Number(instructions[1]), ops: Number(ops[1]) }
}

const args = parse(process.argv.slice(2))
if (args.pg) {
  if (args.kind === 'cycles') args.kind = 'select1'
  await ensurePgAccounts()
}
console.log(`| pool | borrowers | instructions / ${args.kind === 'cycles' ? 'cycle' : 'query'} | operations counted |`)
console.log('| --- | ---: | ---: | ---: |')
for (const host of args.pg ? PG_HOSTS : OVERHEAD_HOSTS) {
  if (args.only && !args.only.some((o) => host.name.toLowerCase().includes(o.toLowerCase()))) continue
  if (args.kind === 'query' && !(host.name === 'Sluice' || host.name.startsWith('pg-pool'))) continue
  const spec = JSON.stringify({ module: host.module, factory: host.factory, args: host.args })
  const other = args.pg && args.shared ? PG_HOSTS.find((h) => h.name !== host.name) : undefined
  const coTenant = other && JSON.stringify({ module: other.module, factory: other.factory, args: other.args })
  for (const concurrency of args.concurrency) {
    try {
      const short = await count(spec, args.kind, concurrency, args.ops * 2, args.ops, coTenant)
      const long = await count(spec, args.kind, concurrency, args.ops * 2, args.ops * 3, coTenant)
      const perOp = (long.instructions - short.instructions) / (long.ops - short.ops)
      console.log(`| ${host.name}${coTenant ? ' (shared process)' : ''} | ${concurrency} | ${Math.round(perOp).toLocaleString('en-US')} | ${(long.ops - short.ops).toLocaleString('en-US')} |`)
    } catch (error) {
      console.log(`| ${host.name} | ${concurrency} | failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} | |`)
    }
  }
}
