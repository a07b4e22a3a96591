import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors/config-error.js'
import { createPool } from '../../src/pool.js'
import { StubDialect } from '../support/stub-dialect.js'

const dialect = new StubDialect()

describe('configuration', () => {
  it.each([
    [{ min: -1 }, 'Sluice: invalid option min = -1: must be >= 0'],
    [{ max: 0 }, 'Sluice: invalid option max = 0: must be >= 1'],
    [{ min: 5, max: 2 }, 'Sluice: invalid option min = 5: must not exceed max (2)'],
    [{ max: 1.5 }, 'Sluice: invalid option max = 1.5: must be an integer'],
    [{ acquireTimeoutMillis: '30s' }, 'Sluice: invalid option acquireTimeoutMillis = "30s": must be a finite number'],
    [{ healthThreshold: 101 }, 'Sluice: invalid option healthThreshold = 101: must be between 0 and 100'],
    [{ maxPoolSize: 3 }, 'Sluice: invalid option maxPoolSize = 3: unknown option'],
    [{ resetOnRelease: 'always' }, 'Sluice: invalid option resetOnRelease = "always": must be one of rollback, full'],
    [{ log: ['verbose'] }, 'Sluice: invalid option log = an array: must be a logger, a function, false, or a list of debug, info, warn, error'],
    [{ logger: { info() {} } }, 'Sluice: invalid option logger.debug = undefined: must be a function (a logger has debug, info, warn and error)'],
    [{ logger: console, log: false }, 'Sluice: invalid option log = false: is the old name of logger: pass only logger'],
    // a larger delay would become a 1 ms timer
    [{ routing: { replicaCheckIntervalMillis: 2 ** 31 } }, 'Sluice: invalid option routing.replicaCheckIntervalMillis = 2147483648: must be at most 2147483647 (about 24.8 days)'],
    [{ routing: { strategy: 'random' } }, 'Sluice: invalid option routing.strategy = "random": must be one of round-robin, least-busy'],
    [{ routing: { maxLag: 5 } }, 'Sluice: invalid option routing.maxLag = 5: unknown option'],
    [{ routing: { safeFunctions: 'my_fn' } }, 'Sluice: invalid option routing.safeFunctions = "my_fn": must be an array of function names ("name" or "schema.name")'],
    [{ routing: { unsafeFunctions: ['ok', 'f()'] } }, 'Sluice: invalid option routing.unsafeFunctions[1] = "f()": must be a function name: "name" or "schema.name"'],
    [{ routing: { safeFunctions: ['a.b.c'] } }, 'Sluice: invalid option routing.safeFunctions[0] = "a.b.c": must be a function name: "name" or "schema.name"'],
    [{ routing: { functionCacheMillis: -1 } }, 'Sluice: invalid option routing.functionCacheMillis = -1: must be >= 0'],
  ])('rejects %j with a message naming the field and value', (options, message) => {
    expect(() => createPool({ dialect, ...(options as object) })).toThrow(message)
  })

  it('names the field on the error', () => {
    try {
      createPool({ dialect, min: -1 })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).field).toBe('min')
    }
  })

  it('requires a dialect and says how to make one', () => {
    expect(() => createPool({} as never)).toThrow('Sluice: invalid option dialect = undefined: is required: pass postgres({...}), mysql({...}) or sqlite({...})')
    expect(() => createPool({ dialect: { connect() {} } } as never)).toThrow('is not a Sluice dialect: it has no run() method')
  })

  it('never prints the value of a secret-bearing option', () => {
    expect(() => createPool({ dialect, password: 'hunter2' } as never)).toThrow('Sluice: invalid option password = <redacted>: unknown option')
  })

  it('lets the default min follow a smaller max, so that max: 1 alone is valid', () => {
    expect(createPool({ dialect, max: 1 }).config).toMatchObject({ min: 1, max: 1 })
    expect(createPool({ dialect, max: 1, min: 0 }).config).toMatchObject({ min: 0, max: 1 })
    expect(createPool({ dialect, max: 3 }).config).toMatchObject({ min: 2, max: 3 })
    expect(() => createPool({ dialect, max: 1, min: 2 })).toThrow('Sluice: invalid option min = 2: must not exceed max (1)')
  })

  it('fills defaults, lets 0 disable timers, and freezes the result', () => {
    const pool = createPool({ dialect, maxLifetimeMillis: 0, maxIdleMillis: 0 })
    expect(pool.config).toMatchObject({ min: 2, max: 10, acquireTimeoutMillis: 30_000, maxLifetimeMillis: 0, maxIdleMillis: 0, healthThreshold: 50, healthCheckQuery: 'SELECT 1' })
    expect(Object.isFrozen(pool.config)).toBe(true)
  })

  it('clamps max to what the dialect supports, with a warning', () => {
    const warnings: string[] = []
    const memory = Object.assign(new StubDialect(), { maxConnections: 1 })
    const pool = createPool({ dialect: memory, min: 2, max: 5, log: (level, message) => warnings.push(`${level}: ${message}`) })
    expect(pool.config.max).toBe(1)
    expect(pool.config.min).toBe(1)
    expect(warnings).toEqual(['warn: sluice: max 5 exceeds what stub://test supports; using 1'])
  })
})

describe('a dialect whose data lives in the connection', () => {
  it('is never recycled for age or idleness, with a warning when asked to', () => {
    const warnings: string[] = []
    const memory = Object.assign(new StubDialect(), { maxConnections: 1, dataLivesInConnection: true })
    const pool = createPool({ dialect: memory, maxLifetimeMillis: 1_000, log: (_level, message) => warnings.push(message) })
    expect(pool.config).toMatchObject({ maxLifetimeMillis: 0, maxIdleMillis: 0 })
    expect(warnings).toContain('sluice: stub://test keeps its data in the connection: maxLifetimeMillis and maxIdleMillis are ignored')
  })
})
