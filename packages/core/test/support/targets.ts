import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { Dialect } from '../../src/dialect.js'
import { sqlite } from '../../src/dialects/better-sqlite3/index.js'
import { mysql } from '../../src/dialects/mysql2/index.js'
import { postgres } from '../../src/dialects/pg/index.js'
import { MYSQL_URL, PG_URL } from './databases.js'

/** One database the integration suites run against, with what differs between them. */
export interface Target {
  readonly name: 'postgres' | 'mysql' | 'sqlite'
  dialect(): Dialect<any>
  /** The n-th (1-based) placeholder. */
  p(n: number): string
  /** Returns the server-side id of the session (undefined on SQLite). */
  readonly backendIdSql: string | undefined
  /** Kills a session from outside, as an operator would; undefined where there are no sessions. */
  kill?(backendId: number): Promise<void>
  /** A statement that runs for `seconds`. */
  sleepSql?(seconds: number): string
}

function tempSqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-it-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'test.db')
}

async function adminRun(dialect: Dialect<any>, sql: string, params: unknown[]): Promise<void> {
  const raw = await dialect.connect()
  try {
    await dialect.run(raw, sql, params, {})
  } finally {
    await dialect.close(raw)
  }
}

export const TARGETS: readonly Target[] = [
  {
    name: 'postgres',
    dialect: () => postgres({ connectionString: PG_URL }),
    p: (n) => `$${n}`,
    backendIdSql: 'SELECT pg_backend_pid() AS id',
    kill: (id) => adminRun(postgres({ connectionString: PG_URL }), 'SELECT pg_terminate_backend($1)', [id]),
    sleepSql: (s) => `SELECT pg_sleep(${s})`,
  },
  {
    name: 'mysql',
    dialect: () => mysql({ connectionString: MYSQL_URL }),
    p: () => '?',
    backendIdSql: 'SELECT CONNECTION_ID() AS id',
    kill: (id) => adminRun(mysql({ connectionString: MYSQL_URL }), `KILL ${Number(id)}`, []),
    sleepSql: (s) => `SELECT SLEEP(${s})`,
  },
  {
    name: 'sqlite',
    dialect: () => sqlite({ filename: tempSqliteFile() }),
    p: () => '?',
    backendIdSql: undefined,
  },
]

/** Targets picked by SLUICE_DATABASES=postgres,mysql (all by default). */
export function selectedTargets(): readonly Target[] {
  const wanted = process.env.SLUICE_DATABASES?.split(',').map((s) => s.trim())
  return wanted ? TARGETS.filter((t) => wanted.includes(t.name)) : TARGETS
}

export { until } from './promises.js'
