/**
 * Opens the shop's Kysely instance on Sluice. The only Sluice-specific lines
 * of the app are here: a Sluice dialect in place of Kysely's stock one.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SluiceMysqlDialect, SluicePostgresDialect, SluiceSqliteDialect, type SluiceDialect } from '@sluice/kysely'
import Database from 'better-sqlite3'
import { Kysely } from 'kysely'
import mysql2 from 'mysql2'
import pg from 'pg'
import type { ShopDatabase } from './schema.js'

export type DatabaseKind = 'postgres' | 'mysql' | 'sqlite'

export interface ShopConnection {
  readonly db: Kysely<ShopDatabase>
  readonly kind: DatabaseKind
  /** Where it connected, without secrets. */
  readonly description: string
  /** Destroys the Kysely instance (closing its pool), and removes a temp SQLite file. */
  close(): Promise<void>
}

/** Pool settings shared by every database; any Sluice pool option can go here. */
const POOL = { name: 'kysely-shop', min: 1, max: 8, acquireTimeoutMillis: 10_000 } as const

/**
 * `postgres://` / `postgresql://`, `mysql://` / `mariadb://`, `sqlite:<file>`,
 * or nothing for SQLite in a fresh temp file.
 */
export function openShop(databaseUrl: string | undefined): ShopConnection {
  const tempDir = databaseUrl === undefined ? mkdtempSync(join(tmpdir(), 'kysely-shop-')) : undefined
  const { kind, dialect } = dialectFor(databaseUrl ?? `sqlite:${join(tempDir!, 'shop.db')}`)
  const db = new Kysely<ShopDatabase>({ dialect })
  return {
    db,
    kind,
    description: dialect.pool.config.dialect.description,
    close: async () => {
      await db.destroy()
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
    },
  }
}

function dialectFor(url: string): { kind: DatabaseKind; dialect: SluiceDialect } {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', dialect: new SluicePostgresDialect({ pool: { ...POOL, connectionString: url }, driver: pg }) }
    case 'mysql':
    case 'mariadb':
      return { kind: 'mysql', dialect: new SluiceMysqlDialect({ pool: { ...POOL, connectionString: url.replace(/^mariadb:/i, 'mysql:') }, driver: mysql2 }) }
    case 'sqlite':
      return { kind: 'sqlite', dialect: new SluiceSqliteDialect({ pool: { ...POOL, filename: url.replace(/^sqlite:(\/\/)?/i, '') }, driver: Database }) }
    default:
      throw new Error(`DATABASE_URL must start with postgres://, mysql://, mariadb:// or sqlite: (got scheme ${JSON.stringify(scheme ?? '')})`)
  }
}
