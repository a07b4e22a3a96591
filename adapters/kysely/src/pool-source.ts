import { ConfigError, createPool, type DatabaseKind, type Dialect, type Pool } from '@sluice/core'
import { POOL_OPTION_KEYS } from './pool-option-keys.js'

const POOL_KEYS: ReadonlySet<string> = new Set(POOL_OPTION_KEYS)

/**
 * Where a Kysely dialect's pools come from: either the application's own pool
 * (`owned: false`: used by every driver, never closed by `db.destroy()`), or
 * the dialect's options, from which each driver gets a pool of its own, as
 * Kysely's stock dialects call their pool factory per driver.
 */
export type PoolSource =
  | { readonly owned: false; readonly pool: Pool }
  | {
      readonly owned: true
      /** The first pool, made when the dialect is created so that bad options fail there. */
      readonly pool: Pool
      /** Another pool from the same options. */
      create(): Pool
    }

/**
 * Resolves a dialect's `pool` option: an existing Sluice `Pool` is used as it
 * is (and left open by `db.destroy()`); an object of options creates a new
 * pool, its pool options (`min`, `max`, ...) going to `createPool()` and the
 * rest to the database dialect (`postgres()`, `mysql()`, `sqlite()`), which
 * validates them and rejects unknown keys.
 *
 * @internal
 */
export function resolvePoolSource<C>(kind: DatabaseKind, given: unknown, dialect: (connection: C) => Dialect<any>): PoolSource {
  if (isPool(given)) {
    const actual = given.config.dialect.kind
    if (actual !== kind) throw new ConfigError('pool', given.config.dialect.description, `is a ${actual} pool; this Kysely dialect needs a ${kind} one`)
    return { pool: given, owned: false }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ConfigError('pool', given, `must be a Sluice Pool or an object of ${kind} connection and pool options`)
  }
  const poolOptions: Record<string, unknown> = {}
  const connection: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(given)) {
    if (POOL_KEYS.has(key)) poolOptions[key] = value
    else connection[key] = value
  }
  const create = () => createPool({ ...poolOptions, dialect: dialect(connection as C) })
  return { owned: true, pool: create(), create }
}

// duck-typed rather than `instanceof`, so a pool from a second copy of @sluice/core is recognised too
function isPool(value: unknown): value is Pool {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Record<'acquire' | 'stats' | 'close', unknown>> & { config?: { dialect?: unknown } }
  return (
    typeof candidate.acquire === 'function' &&
    typeof candidate.stats === 'function' &&
    typeof candidate.close === 'function' &&
    typeof candidate.config?.dialect === 'object'
  )
}
