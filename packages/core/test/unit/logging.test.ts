import { Console } from 'node:console'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPool } from '../../src/pool.js'
import { debugNamespaces } from '../../src/util/debug-namespaces.js'
import { createLogger } from '../../src/util/logger.js'
import { ManualClock } from '../support/manual-clock.js'
import { StubDialect } from '../support/stub-dialect.js'

type Call = [level: string, ...args: unknown[]]

/** A pino-shaped logger that records its calls. */
function pinoLike(calls: Call[]) {
  const at = (level: string) => (...args: unknown[]) => void calls.push([level, ...args])
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => pinoLike(calls) }
}

function capture(): { out: Writable; text: () => string } {
  let text = ''
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { out, text: () => text }
}

describe('the logger option', () => {
  afterEach(() => vi.restoreAllMocks())

  it('calls a pino-style logger as (details, message), details naming the connection, node and duration', async () => {
    const calls: Call[] = []
    const clock = new ManualClock()
    const pool = createPool({ dialect: new StubDialect(), clock, name: 'orders', min: 1, max: 2, breaker: false, logger: pinoLike(calls) })
    await pool.ready()
    await pool.close()
    const opened = calls.find(([level, , message]) => level === 'debug' && String(message).startsWith('orders: opened connection conn-1'))
    expect(opened?.[1]).toMatchObject({ node: 'orders', connectionId: 'conn-1', durationMs: 0 })
    const closed = calls.find(([, , message]) => String(message).startsWith('orders: closing connection conn-1'))
    expect(closed?.[1]).toMatchObject({ node: 'orders', connectionId: 'conn-1', reason: 'pool-closed' })
  })

  it('gives an error as name, message and code, never its other fields', () => {
    const calls: Call[] = []
    const log = createLogger(pinoLike(calls), 'p', '')
    const error = Object.assign(new Error('boom'), { code: '23505', detail: 'Key (email)=(a@b.c) already exists.', parameters: ['a@b.c'] })
    log('warn', 'x', { error })
    expect(calls[0]![1]).toEqual({ node: 'p', error: { name: 'Error', message: 'boom', code: '23505' } })
  })

  it('calls a console as (message, details), info and above', () => {
    const { out, text } = capture()
    const log = createLogger(new Console({ stdout: out, stderr: out }), 'p', '')
    log('debug', 'hidden', { connectionId: 'conn-1' })
    log('warn', 'shown', { connectionId: 'conn-2' })
    expect(text()).toContain("[p] warn: shown { node: 'p', connectionId: 'conn-2' }")
    expect(text()).not.toContain('hidden')
  })

  it('keeps the old log option (a function, or levels) working', async () => {
    const lines: string[] = []
    const pool = createPool({ dialect: new StubDialect(), min: 1, breaker: false, log: (level, message) => lines.push(`${level}: ${message}`) })
    await pool.ready()
    expect(lines).toContain('debug: sluice: opened connection conn-1 in 0ms')
    await pool.close()
  })

  it('never lets a throwing logger break the pool', async () => {
    const pool = createPool({ dialect: new StubDialect(), min: 1, breaker: false, logger: { debug: () => { throw new Error('x') }, info() {}, warn() {}, error() {} } })
    await pool.ready()
    expect(await pool.query('SELECT 1', [], { fetch: 'one' })).toEqual({ n: 1 })
    await pool.close()
  })
})

describe('DEBUG=sluice*', () => {
  afterEach(() => vi.restoreAllMocks())

  it('reads namespaces as the debug package does', () => {
    const on = debugNamespaces('sluice*,-sluice:housekeeping')
    expect(on('sluice:pool')).toBe(true)
    expect(on('sluice:connection')).toBe(true)
    expect(on('sluice:housekeeping')).toBe(false)
    expect(debugNamespaces('sluice:pool')('sluice:connection')).toBe(false)
    expect(debugNamespaces('express:*')('sluice:pool')).toBe(false)
    expect(debugNamespaces(undefined)('sluice:pool')).toBe(false)
  })

  it('writes the topics it names to stderr, with details as JSON, without any logger', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const log = createLogger(false, 'orders', 'sluice:connection')
    log('debug', 'opened connection conn-1 in 3ms', { connectionId: 'conn-1', durationMs: 3 }, 'connection')
    log('info', 'circuit breaker closed -> open', {}, 'breaker')
    expect(write).toHaveBeenCalledTimes(1)
    expect(String(write.mock.calls[0]![0])).toMatch(/Z sluice:connection \[orders\] debug: opened connection conn-1 in 3ms \{"connectionId":"conn-1","durationMs":3\}\n$/)
  })

  it('stays silent without DEBUG and with log: false', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    createLogger(false, 'orders', undefined)('error', 'x')
    createLogger(false, 'orders', 'other:*')('error', 'x')
    expect(write.mock.calls.map(([text]) => String(text))).toEqual([])
  })
})
