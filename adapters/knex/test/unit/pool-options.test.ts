import { describe, expect, it } from 'vitest'
import { ConfigError } from '@sluice/core'
import { mapConnectionSettings } from '../../src/connection-settings.js'
import { resolveKnexPool, statementLevelOf } from '../../src/pool-options.js'
import { nestTables } from '../../src/nest-tables.js'
import { arrayRowsWhen, queryOptions } from '../../src/sluice-flavor.js'

const KNEX_DEFAULTS = { min: 2, max: 10 }

describe('resolveKnexPool', () => {
  it("fills in Knex's sizes and 60 s acquire timeout", () => {
    expect(resolveKnexPool(undefined, undefined, KNEX_DEFAULTS).options).toEqual({ min: 2, max: 10, acquireTimeoutMillis: 60_000 })
    expect(resolveKnexPool({ max: 1 }, undefined, KNEX_DEFAULTS).options).toMatchObject({ min: 1, max: 1 })
    expect(resolveKnexPool({ min: 12 }, undefined, KNEX_DEFAULTS).options).toMatchObject({ min: 12, max: 12 })
  })

  it('takes the smaller of acquireConnectionTimeout and pool.acquireTimeoutMillis', () => {
    expect(resolveKnexPool({ acquireTimeoutMillis: 5_000 }, 2_000, KNEX_DEFAULTS).options.acquireTimeoutMillis).toBe(2_000)
    expect(resolveKnexPool({ acquireTimeoutMillis: 1_000 }, 2_000, KNEX_DEFAULTS).options.acquireTimeoutMillis).toBe(1_000)
    expect(resolveKnexPool({}, 2_000, KNEX_DEFAULTS).options.acquireTimeoutMillis).toBe(2_000)
    expect(() => resolveKnexPool({}, -1, KNEX_DEFAULTS)).toThrow('Sluice: invalid option acquireConnectionTimeout = -1: must be an integer >= 1')
  })

  it('renames tarn options and keeps afterCreate, onConnect and createTimeoutMillis for the adapter', () => {
    const afterCreate = (_c: unknown, done: () => void) => done()
    const onConnect = () => {}
    const resolved = resolveKnexPool({ idleTimeoutMillis: 1, reapIntervalMillis: 2, createRetryIntervalMillis: 3, maxConnectionLifetimeMillis: 4, createTimeoutMillis: 5, afterCreate, onConnect, preWarm: false }, undefined, KNEX_DEFAULTS)
    expect(resolved.options).toEqual({ min: 2, max: 10, acquireTimeoutMillis: 60_000, maxIdleMillis: 1, housekeepingIntervalMillis: 2, createRetryInitialMillis: 3, maxLifetimeMillis: 4, preWarm: false })
    expect(resolved).toMatchObject({ afterCreate, onConnect, createTimeoutMillis: 5 })
  })

  it('refuses unknown, unsupported and doubled keys with ConfigErrors that name them', () => {
    expect(() => resolveKnexPool({ maxPoolSize: 3 }, undefined, KNEX_DEFAULTS)).toThrow(ConfigError)
    expect(() => resolveKnexPool({ validate: true }, undefined, KNEX_DEFAULTS)).toThrow(/pool\.validate = true: must be a function/)
    expect(() => resolveKnexPool({ dialect: 'pg' }, undefined, KNEX_DEFAULTS)).toThrow(/pool\.dialect = "pg": is not supported on Sluice/)
    expect(() => resolveKnexPool({ reapIntervalMillis: 1, housekeepingIntervalMillis: 1 }, undefined, KNEX_DEFAULTS)).toThrow(/sets the same option as pool\.reapIntervalMillis/)
    expect(() => resolveKnexPool({ afterCreate: 'yes' }, undefined, KNEX_DEFAULTS)).toThrow(/pool\.afterCreate = "yes": must be a function/)
    expect(() => resolveKnexPool({ secretKey: 'hunter2' }, undefined, KNEX_DEFAULTS)).not.toThrow(/hunter2/)
    expect(() => resolveKnexPool([], undefined, KNEX_DEFAULTS)).toThrow(/pool = an array: must be an object/)
  })

  it('takes statementLevel for the client, a boolean, and passes nothing of it to the pool', () => {
    expect(resolveKnexPool({ statementLevel: true }, undefined, KNEX_DEFAULTS).options).toEqual({ min: 2, max: 10, acquireTimeoutMillis: 60_000 })
    expect(statementLevelOf({ statementLevel: true })).toBe(true)
    expect(statementLevelOf({})).toBe(false)
    expect(statementLevelOf(undefined)).toBe(false)
    expect(() => resolveKnexPool({ statementLevel: 'yes' }, undefined, KNEX_DEFAULTS)).toThrow(/pool\.statementLevel = "yes": must be a boolean/)
  })
})

describe('mapConnectionSettings', () => {
  const NAMES = { host: 'host', port: 'port', user: 'user', password: 'password', database: 'database', connectTimeout: 'connectTimeoutMillis', connectTimeoutMillis: 'connectTimeoutMillis', searchPath: null }

  it('renames keys, reads the hidden password, makes URL ports numbers and drops empty URL parts', () => {
    const settings: Record<string, unknown> = { host: 'db', port: '3307', user: '', database: 'shop', connectTimeout: 500, searchPath: 'x' }
    Object.defineProperty(settings, 'password', { value: 'secret', enumerable: false })
    expect(mapConnectionSettings(settings, NAMES, 'mysql2')).toEqual({ host: 'db', port: 3307, password: 'secret', database: 'shop', connectTimeoutMillis: 500 })
  })

  it('refuses unknown keys without printing string values, and doubled ones', () => {
    expect(() => mapConnectionSettings({ pwd: 'hunter2' }, NAMES, 'mysql2')).toThrow('Sluice: invalid option connection.pwd = "<not shown>": is not supported by Sluice\'s mysql2 dialect')
    expect(() => mapConnectionSettings({ connectTimeout: 1, connectTimeoutMillis: 2 }, NAMES, 'mysql2')).toThrow(/sets the same option as connection\.connectTimeout/)
  })
})

describe('resolveKnexPool: tarn options without meaning on Sluice', () => {
  it('accepts them as stock Knex does and says why each is ignored', () => {
    const resolved = resolveKnexPool({ destroyTimeoutMillis: 5_000, propagateCreateError: false, maxConnectionLifetimeJitterMillis: 10 }, undefined, KNEX_DEFAULTS)
    expect(resolved.options).toEqual({ min: 2, max: 10, acquireTimeoutMillis: 60_000 })
    expect(resolved.ignored).toHaveLength(3)
    expect(resolved.ignored[0]).toMatch(/^pool\.destroyTimeoutMillis is ignored: /)
  })
})

describe('queryOptions', () => {
  const rules = { honoured: { rowMode: arrayRowsWhen('array'), timeout: (value: unknown) => ({ timeoutMillis: value as number }) }, refused: { types: 'per connection only' } }

  it('honours what it can, refuses what it cannot by name, and ignores keys the driver would ignore', () => {
    expect(queryOptions(undefined, rules)).toBeUndefined()
    expect(queryOptions({ rowMode: 'array', timeout: 5, nestTables: true }, rules)).toEqual({ rowMode: 'array', timeoutMillis: 5 })
    expect(queryOptions({ rowMode: 'object' }, rules)).toBeUndefined()
    expect(() => queryOptions({ types: {} }, rules)).toThrow('@sluice/knex: the query option types is not supported: per connection only')
  })
})

describe('nestTables', () => {
  const fields = [{ name: 'email', table: 'a1' }, { name: 'email', table: 'a2' }, { name: 'n', table: '' }]

  it("nests rows read as arrays the way mysql2's nestTables does", () => {
    expect(nestTables([['x', 'y', 1]], fields, true)).toEqual([{ a1: { email: 'x' }, a2: { email: 'y' }, '': { n: 1 } }])
    expect(nestTables([['x', 'y', 1]], fields, '_')).toEqual([{ a1_email: 'x', a2_email: 'y', _n: 1 }])
  })
})
