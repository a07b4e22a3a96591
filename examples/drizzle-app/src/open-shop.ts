import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mysqlShop } from './mysql/shop.js'
import { postgresShop } from './postgres/shop.js'
import type { Shop } from './shop.js'
import { sqliteShop } from './sqlite/shop.js'

/**
 * The shop for `databaseUrl`: `postgres://` / `postgresql://`, `mysql://` /
 * `mariadb://`, `sqlite:<file>`, or nothing for SQLite in a temp file that is
 * removed on close.
 */
export async function openShop(databaseUrl: string | undefined): Promise<Shop> {
  if (databaseUrl === undefined || databaseUrl === '') return temporarySqliteShop()
  const scheme = /^([a-z]+):/i.exec(databaseUrl)?.[1]?.toLowerCase()
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return postgresShop(databaseUrl)
    case 'mysql':
    case 'mariadb':
      return mysqlShop(databaseUrl.replace(/^mariadb:/i, 'mysql:'))
    case 'sqlite':
      return sqliteShop(databaseUrl.slice('sqlite:'.length))
    default:
      throw new Error(`DATABASE_URL must be a postgres://, mysql://, mariadb:// or sqlite: URL, not ${scheme ?? 'that'}`)
  }
}

async function temporarySqliteShop(): Promise<Shop> {
  const dir = mkdtempSync(join(tmpdir(), 'drizzle-app-'))
  const shop = await sqliteShop(join(dir, 'shop.db'))
  return {
    ...shop,
    close: async () => {
      await shop.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
