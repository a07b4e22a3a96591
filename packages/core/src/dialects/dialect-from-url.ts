import type { Dialect } from '../dialect.js'
import { ConfigError } from '../errors/config-error.js'
import { sqlite } from './better-sqlite3/index.js'
import { mysql } from './mysql2/index.js'
import { postgres } from './pg/index.js'

/** The database families a URL or `databaseType` may name, as the Kailash guide spells them too. */
const SCHEMES: Record<string, 'postgres' | 'mysql' | 'sqlite'> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  file: 'sqlite',
}

/**
 * A dialect from a `DATABASE_URL`-style string: `postgres://...`,
 * `mysql://...` / `mariadb://...`, or `sqlite:path/to/file.db` (also
 * `sqlite::memory:`). The URL's secrets never appear in errors.
 *
 * ```ts
 * const pool = createPool({ dialect: dialectFromUrl(process.env.DATABASE_URL ?? 'sqlite:app.db') })
 * ```
 */
export function dialectFromUrl(url: string): Dialect<any> {
  if (typeof url !== 'string' || url.trim() === '') throw new ConfigError('databaseUrl', url, 'must be a non-empty connection string')
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url)
  const scheme = match?.[1]?.toLowerCase()
  const type = scheme === undefined ? undefined : SCHEMES[scheme]
  switch (type) {
    case 'postgres':
      return postgres({ connectionString: url })
    case 'mysql':
      return mysql({ connectionString: url.replace(/^mariadb:/i, 'mysql:') })
    case 'sqlite':
      return sqlite({ filename: sqliteFilename(url.slice(match![0].length)) })
    default:
      throw new ConfigError(
        'databaseType',
        scheme ?? '(none)',
        'unknown database type; expected a postgres://, postgresql://, mysql://, mariadb:// or sqlite: URL',
      )
  }
}

/** `sqlite:./a.db`, `sqlite:///abs/a.db`, `sqlite::memory:` to a better-sqlite3 filename. */
function sqliteFilename(rest: string): string {
  if (rest === ':memory:' || rest === '') return ':memory:'
  return rest.startsWith('//') ? rest.slice(2) : rest
}
