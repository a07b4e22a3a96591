/**
 * The shared adapter suite's harness for Knex: one `OrmClient` written in
 * Knex's idioms (query builder, `knex.transaction`, `knex.raw`, `.stream()`),
 * on Sluice or on Knex's stock pool.
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex, { type Knex } from 'knex'
import { SluiceBetterSqlite3, SluiceMysql2, SluicePg, sluiceOf, sluicePoolConfig, type SluiceKnexPoolConfig } from '@sluice/knex'
import type { AdapterHarness, DatabaseName, OrmClient, OrmTransaction, PoolSettings } from '../../../../test/adapters/harness.js'
import { MYSQL_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'

/** One SQLite file per test process, shared by the stock and the Sluice instances. */
export const SQLITE_FILE = join(tmpdir(), `sluice-knex-${process.pid}.db`)

export function removeSqliteFile(): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${SQLITE_FILE}${suffix}`, { force: true })
}

const SLUICE_CLIENTS = { postgres: SluicePg, mysql: SluiceMysql2, sqlite: SluiceBetterSqlite3 } as const
const STOCK_CLIENTS = { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' } as const

function connectionOf(database: DatabaseName): Knex.Config['connection'] {
  if (database === 'postgres') return PG_URL
  if (database === 'mysql') return MYSQL_URL
  return { filename: SQLITE_FILE }
}

/** A Knex instance on Sluice for `database`, with `extra` Knex options merged in. */
export function sluiceKnex(database: DatabaseName, pool: SluiceKnexPoolConfig, extra: Partial<Knex.Config> = {}): Knex {
  return knex({ client: SLUICE_CLIENTS[database], connection: connectionOf(database), useNullAsDefault: true, pool: sluicePoolConfig(pool), ...extra })
}

export function stockKnex(database: DatabaseName): Knex {
  return knex({ client: STOCK_CLIENTS[database], connection: connectionOf(database), useNullAsDefault: true })
}

/** The shared suite's harness; `pool` adds Sluice pool options to every Sluice instance (`variant` names them in the titles). */
export function knexHarness(database: DatabaseName, pool: SluiceKnexPoolConfig = {}, variant?: string): AdapterHarness {
  return {
    orm: 'knex',
    database,
    variant,
    sluice: async (settings: PoolSettings) => new KnexClient(sluiceKnex(database, { ...pool, ...settings }), database, true),
    stock: async () => new KnexClient(stockKnex(database), database, false),
    timeoutErrorClass: knex.KnexTimeoutError,
  }
}

class KnexClient implements OrmClient {
  constructor(
    readonly db: Knex,
    readonly database: DatabaseName,
    readonly onSluice: boolean,
  ) {}

  async createTable(table: string): Promise<void> {
    await this.db.schema.createTable(table, (t) => {
      t.integer('id').primary()
      t.string('name', 100).notNullable()
      t.integer('qty').notNullable()
    })
  }

  async dropTable(table: string): Promise<void> {
    await this.db.schema.dropTableIfExists(table)
  }

  /** Every response shape Knex's processResponse produces: insert, select, update, del, first, pluck, count, increment, raw. */
  async crud(table: string): Promise<unknown[]> {
    const t = () => this.db(table)
    return [
      await t().insert([{ id: 1, name: 'one', qty: 1 }, { id: 2, name: 'two', qty: 2 }, { id: 3, name: 'three', qty: 3 }]),
      await t().select('id', 'name', 'qty').orderBy('id'),
      await t().where({ id: 2 }).update({ qty: 20 }),
      await t().where({ id: 3 }).del(),
      await t().select().orderBy('id'),
      await t().where({ id: 1 }).first(),
      await t().orderBy('id').pluck('name'),
      await t().count({ n: '*' }),
      await t().where({ id: 1 }).increment('qty', 5),
      // raw answers the driver's own result; an UPDATE's carries no table-specific field metadata
      await this.db.raw(`update ${table} set qty = qty + 1 where id = ?`, [2]),
      rowsOf(this.database, await this.db.raw(`select name, qty from ${table} where id > ? order by id`, [0])),
    ]
  }

  async insert(table: string, id: number, name: string, qty: number): Promise<void> {
    await this.db(table).insert({ id, name, qty })
  }

  count(table: string): Promise<number> {
    return countRows(this.db, table)
  }

  transaction<T>(fn: (tx: OrmTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => fn(new KnexTransaction(trx, this.database)))
  }

  stream(count: number): AsyncIterable<unknown> {
    return this.db.raw(seriesSql(this.database, count), [count]).stream()
  }

  // async, so that the statement starts now: a Knex builder runs only once awaited
  async hold(millis: number): Promise<unknown> {
    if (this.database === 'postgres') return await this.db.raw('select pg_sleep(?)', [millis / 1000])
    if (this.database === 'mysql') return await this.db.raw('select sleep(?)', [millis / 1000])
    // SQLite has no sleep: a transaction that keeps its connection busy
    return this.db.transaction(async (trx) => {
      await trx.raw('select 1')
      await new Promise((resolve) => setTimeout(resolve, millis))
    })
  }

  failingBegin(): Promise<unknown> {
    if (this.database === 'sqlite') {
      // SQLite refuses a BEGIN on a connection already in a transaction; Knex's own
      // transaction API sends it when handed that connection from outside
      return this.db.transaction(async (outer) => {
        const connection: unknown = await outer.client.acquireConnection()
        return this.db.transaction(async () => {}, { connection }).then(() => undefined, (error: unknown) => error)
      })
    }
    // PostgreSQL and MariaDB/MySQL have no SNAPSHOT isolation level (Knex accepts it for MSSQL)
    return this.db.transaction(async () => {}, { isolationLevel: 'snapshot' }).then(() => undefined, (error: unknown) => error)
  }

  stats() {
    return this.onSluice ? sluiceOf(this.db).stats() : undefined
  }

  async destroy(): Promise<void> {
    await this.db.destroy()
  }
}

class KnexTransaction implements OrmTransaction {
  constructor(
    readonly trx: Knex.Transaction,
    readonly database: DatabaseName,
  ) {}

  async backendId(): Promise<string> {
    if (this.database === 'postgres') return String((await this.trx.first(this.trx.raw('pg_backend_pid() as id'))).id)
    if (this.database === 'mysql') return String((await this.trx.first(this.trx.raw('connection_id() as id'))).id)
    // SQLite has no session id: a random marker in a temp table, which only this connection sees
    await this.trx.raw('create temp table if not exists sluice_marker (id text)')
    await this.trx.raw('insert into sluice_marker select hex(randomblob(8)) where not exists (select 1 from sluice_marker)')
    return String((await this.trx('sluice_marker').first('id')).id)
  }

  async insert(table: string, id: number, name: string, qty: number): Promise<void> {
    await this.trx(table).insert({ id, name, qty })
  }

  count(table: string): Promise<number> {
    return countRows(this.trx, table)
  }

  async setSessionValue(value: string): Promise<void> {
    if (this.database === 'postgres') await this.trx.raw("select set_config('sluice.value', ?, false)", [value])
    else if (this.database === 'mysql') await this.trx.raw('set @sluice_value = ?', [value])
    else {
      await this.trx.raw('create temp table if not exists sluice_session (value text)')
      await this.trx('sluice_session').del()
      await this.trx('sluice_session').insert({ value })
    }
  }

  async sessionValue(): Promise<string | undefined> {
    if (this.database === 'postgres') return (await this.trx.first(this.trx.raw("current_setting('sluice.value', true) as value"))).value
    if (this.database === 'mysql') return (await this.trx.first(this.trx.raw('@sluice_value as value'))).value
    return (await this.trx('sluice_session').first('value'))?.value
  }

  async tempTableRoundTrip(): Promise<number> {
    const name = `sluice_tmp_${Math.random().toString(36).slice(2, 10)}`
    await this.trx.raw(`create temporary table ${name} (n integer)`)
    await this.trx(name).insert([{ n: 1 }, { n: 2 }, { n: 3 }])
    const rows = await countRows(this.trx, name)
    await this.trx.raw(this.database === 'mysql' ? `drop temporary table ${name}` : `drop table ${name}`)
    return rows
  }

  failingStatement(table: string, id: number): Promise<unknown> {
    return this.trx(table)
      .insert({ id, name: 'duplicate', qty: 1 })
      .then(() => undefined, (error: unknown) => error)
  }
}

async function countRows(db: Knex | Knex.Transaction, table: string): Promise<number> {
  const row = await db(table).count({ n: '*' }).first()
  return Number(row?.n)
}

/** The rows of a raw SELECT, whatever the driver's result looks like. */
function rowsOf(database: DatabaseName, result: any): unknown {
  if (database === 'postgres') return result.rows
  if (database === 'mysql') return result[0]
  return result
}

/** `SELECT n` over 1..count (bound as the one parameter), in each database's idiom. */
export function seriesSql(database: DatabaseName, count: number): string {
  if (database === 'postgres') return 'select n from generate_series(1, ?::int) as s(n)'
  if (database === 'sqlite') return 'with recursive s(n) as (select 1 union all select n + 1 from s where n < ?) select n from s'
  // MySQL caps recursive CTEs at 1000 rows by default: cross-join digit tables instead
  const digits = '(select 0 d union all select 1 union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7 union all select 8 union all select 9)'
  const places = Math.max(1, Math.ceil(Math.log10(count + 1)))
  const tables = Array.from({ length: places }, (_, i) => `${digits} p${i}`).join(', ')
  const sum = Array.from({ length: places }, (_, i) => `p${i}.d * ${10 ** i}`).join(' + ')
  return `select n from (select ${sum} + 1 as n from ${tables}) s where n <= ? order by n`
}
