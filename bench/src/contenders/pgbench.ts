import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Contender, MeasureOptions, Sample } from '../harness/types.js'
import type { QueryName } from './sql-api.js'

export const PGBENCH = process.env.BENCH_PGBENCH ?? '/usr/bin/pgbench'

export interface PgbenchOptions {
  /** Run the statement in pipeline mode, this many per session in flight (see below). */
  readonly pipelineDepth?: number
  /** The contender's name in the tables; defaults to `pgbench`. */
  readonly name?: string
}

/**
 * The ceiling: pgbench, PostgreSQL's own C load generator, running the same
 * statement against the same server. It has no pool and next to no client
 * cost, so its TPS is what the server can answer with that many sessions.
 *
 * Choices, and why:
 * - Clients (-c): min(callers, pool max). The Node pools never open more than
 *   `max` sessions; beyond that, callers queue in the client. A pgbench with
 *   256 sessions would measure a different server load (256 backends on 2
 *   cores), not the ceiling for a 10-connection pool.
 * - Threads (-j 1): one thread drives all clients, as one event loop drives
 *   every Node contender. On a 2-core machine a second pgbench thread would
 *   also take a core from the server.
 * - Protocol (-M): `simple` for SELECT 1 (pg sends a parameterless statement
 *   as a simple query), `extended` for the point select (pg sends a
 *   parameterized one as unnamed Parse/Bind/Execute each time).
 * - Duration (-T): whole seconds, pgbench's granularity; at least 1.
 * - Pipeline mode (`pipelineDepth`): each transaction of the script is
 *   `\startpipeline`, the statement `pipelineDepth` times, `\endpipeline`,
 *   so every session keeps that many statements in flight before it waits.
 *   Pipelining needs the extended protocol, so it runs `-M extended` for
 *   both statements, and it counts statements (transactions × depth).
 */
export function pgbenchContender(connectionString: string, query: QueryName, maxConnections: number, options: PgbenchOptions = {}): Contender {
  const depth = options.pipelineDepth
  if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1)) throw new Error(`pipelineDepth must be an integer >= 1, got ${depth}`)
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pgbench-'))
  const script = join(dir, `${query}.sql`)
  const statement = query === 'select1' ? 'SELECT 1 AS one;\n' : 'SELECT * FROM bench_accounts WHERE id = :id;\n'
  const setId = query === 'select1' ? '' : '\\set id random(1, 10000)\n'
  writeFileSync(
    script,
    depth === undefined
      ? setId + statement
      : // the point select draws one random id per transaction
        `${setId}\\startpipeline\n${statement.repeat(depth)}\\endpipeline\n`,
  )
  const statementsPerTransaction = depth ?? 1
  const protocol = query === 'select1' && depth === undefined ? 'simple' : 'extended'
  const env = pgEnv(connectionString)
  const run = async (args: string[]): Promise<string> => {
    const { code, output } = await exec(PGBENCH, ['-n', '-M', protocol, '-f', script, '-j', '1', ...args], env)
    if (code !== 0) throw new Error(`pgbench exited with ${code}: ${output.trim().split('\n').slice(-3).join(' / ')}`)
    return output
  }
  return {
    name: options.name ?? 'pgbench',
    role: 'ceiling',
    warmUp: false,
    // the guard: one transaction must run without failure (pgbench exits non-zero on a failed statement)
    check: async () => {
      const output = await run(['-c', '1', '-t', '1'])
      if (parseProcessed(output) !== 1) throw new Error(`pgbench check ran ${parseProcessed(output)} transactions, not 1`)
    },
    measure: async ({ concurrency, seconds }: MeasureOptions): Promise<Sample> => {
      const clients = Math.min(concurrency, maxConnections)
      const duration = Math.max(1, Math.round(seconds))
      const output = await run(['-c', String(clients), '-T', String(duration)])
      const processed = parseProcessed(output)
      const failed = /number of failed transactions: (\d+)/.exec(output)
      if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} failed transactions`)
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output)
      if (!tps || processed === undefined) throw new Error(`unexpected pgbench output: ${output.slice(0, 300)}`)
      // seconds from pgbench's own TPS, which leaves out connection set-up, as the Node pools' warm connections do
      return {
        ops: processed * statementsPerTransaction,
        seconds: processed / Number(tps[1]),
        cpuMicros: undefined,
        extra: depth === undefined ? { clients } : { clients, pipelineDepth: depth },
      }
    },
  }
}

function parseProcessed(output: string): number | undefined {
  const match = /number of transactions actually processed: (\d+)/.exec(output)
  return match ? Number(match[1]) : undefined
}

/** libpq's environment from a postgres:// URL, so the password never shows on a command line. */
function pgEnv(connectionString: string): NodeJS.ProcessEnv {
  const url = new URL(connectionString)
  return {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.replace(/^\//, ''),
  }
}

function exec(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}
