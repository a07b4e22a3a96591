import { describe, expect, it } from 'vitest'
import { resolveBreakerConfig, type BreakerOptions } from '../../src/config/breaker-config.js'
import { CircuitOpenError } from '../../src/errors/circuit-open-error.js'
import { ConfigError } from '../../src/errors/config-error.js'
import type { BreakerPeer, BreakerSharing, SharedBreakerNode } from '../../src/resilience/breaker-sharing.js'
import type { BreakerTransition } from '../../src/resilience/breaker-stats.js'
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js'
import { flush, ManualClock } from '../support/manual-clock.js'

/** A breaker on a manual clock whose probe answers as the test says. */
function breaker(options: BreakerOptions = {}) {
  const clock = new ManualClock()
  const transitions: BreakerTransition[] = []
  const probe = { answer: true, calls: 0 }
  const b = new CircuitBreaker(resolveBreakerConfig(options)!, {
    node: 'db',
    clock,
    probe: async () => {
      probe.calls++
      return probe.answer
    },
    transitioned: (t) => transitions.push(t),
  })
  const fail = (n = 1) => {
    for (let i = 0; i < n; i++) b.recordFailure(new Error(`socket hang up ${i}`), clock.now())
  }
  const succeed = (n = 1) => {
    for (let i = 0; i < n; i++) b.recordSuccess(clock.now())
  }
  return { b, clock, transitions, probe, fail, succeed }
}

describe('circuit breaker: opening', () => {
  it('opens after failureThreshold consecutive failures; a success in between starts the count again', () => {
    const { b, fail, succeed, transitions } = breaker({ failureThreshold: 3, minCalls: 100 })
    fail(2)
    succeed()
    fail(2)
    expect(b.state).toBe('closed')
    fail()
    expect(b.state).toBe('open')
    expect(transitions.map((t) => `${t.from}->${t.to} ${t.reason}`)).toEqual(['closed->open consecutive-failures'])
    expect(transitions[0]!.lastError?.message).toBe('socket hang up 0')
  })

  it('opens on the error rate over the window once minCalls calls were seen, not before', () => {
    const { b, fail, succeed, transitions } = breaker({ failureThreshold: 100, minCalls: 10, errorRateThreshold: 0.5 })
    // 4 of 8 failed: the rate is there, the calls are not
    for (let i = 0; i < 4; i++) {
      succeed()
      fail()
    }
    expect(b.state).toBe('closed')
    succeed()
    fail()
    expect(b.stats()).toMatchObject({ windowCalls: 10, windowFailures: 5, errorRate: 0.5 })
    expect(b.state).toBe('open')
    expect(transitions[0]!.reason).toBe('error-rate')
  })

  it('the error rate minimum never holds back the consecutive rule', () => {
    const { b, fail } = breaker({ failureThreshold: 5, minCalls: 10 })
    fail(5)
    expect(b.state).toBe('open')
  })

  it('forgets failures that slid out of the window', async () => {
    const { b, fail, succeed, clock } = breaker({ failureThreshold: 100, minCalls: 4, errorRateThreshold: 0.5, windowMillis: 1_000 })
    fail(3)
    await clock.advance(1_100)
    succeed(3)
    fail()
    // 1 failure of 4 in the window: the 3 old ones are gone
    expect(b.stats()).toMatchObject({ windowCalls: 4, windowFailures: 1 })
    expect(b.state).toBe('closed')
  })
})

describe('circuit breaker: open, half-open, closed', () => {
  it('refuses calls while open, with the node, since when, when it retries and the last failure', async () => {
    const { b, fail, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMillis: 1_000 })
    fail()
    await clock.advance(400)
    expect(b.admit()).toBe(false)
    const error = b.rejection()
    expect(error).toBeInstanceOf(CircuitOpenError)
    expect(error).toMatchObject({ code: 'SLUICE_CIRCUIT_OPEN', node: 'db', retryAfterMillis: 600 })
    expect((error.cause as Error).message).toBe('socket hang up 0')
    expect(error.message).toMatch(/^db: circuit breaker open since \d{4}-\d\d-\d\dT.*Z, retry in 600ms; last failure: socket hang up 0$/)
    expect(b.stats()).toMatchObject({ state: 'open', retryAfterMillis: 600, rejected: 1, opened: 1 })
  })

  it('after recoveryTimeoutMillis pings the node, then lets halfOpenMaxCalls calls through at a time and closes after that many successes', async () => {
    const { b, fail, succeed, clock, probe, transitions } = breaker({ failureThreshold: 1, recoveryTimeoutMillis: 1_000, halfOpenMaxCalls: 3 })
    fail()
    await clock.advance(999)
    expect(probe.calls).toBe(0)
    await clock.advance(1)
    expect(probe.calls).toBe(1)
    expect(b.state).toBe('half-open')
    // the ping counted as the first success; two trial calls at a time now... up to three permits
    expect([b.admit(), b.admit(), b.admit(), b.admit()]).toEqual([true, true, true, false])
    b.releasePermit()
    expect(b.admit()).toBe(true)
    succeed()
    expect(b.state).toBe('half-open')
    succeed()
    expect(b.state).toBe('closed')
    expect(transitions.map((t) => `${t.from}->${t.to} ${t.reason}`)).toEqual(['closed->open consecutive-failures', 'open->half-open recovery-timeout', 'half-open->closed trial-succeeded'])
    expect(b.stats()).toMatchObject({ state: 'closed', opened: 1, halfOpened: 1, closed: 1, consecutiveFailures: 0, windowCalls: 0 })
  })

  it('refuses calls while the ping is under way', async () => {
    const { b, fail, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMillis: 100 })
    let answer!: (ok: boolean) => void
    const slow = new CircuitBreaker(resolveBreakerConfig({ failureThreshold: 1, recoveryTimeoutMillis: 100 })!, {
      node: 'slow',
      clock,
      probe: () => new Promise<boolean>((resolve) => (answer = resolve)),
      transitioned: () => {},
    })
    slow.recordFailure(new Error('reset'), clock.now())
    fail()
    await clock.advance(100)
    expect(slow.state).toBe('half-open')
    expect(slow.admit()).toBe(false)
    answer(true)
    await flush()
    expect(slow.admit()).toBe(true)
    expect(b.state).toBe('half-open')
  })

  it('opens again, with a new recovery timeout, when the ping fails or a trial call fails', async () => {
    const { b, fail, succeed, clock, probe, transitions } = breaker({ failureThreshold: 1, recoveryTimeoutMillis: 1_000, halfOpenMaxCalls: 2 })
    fail()
    probe.answer = false
    await clock.advance(1_000)
    expect(b.state).toBe('open')
    expect(b.stats().retryAfterMillis).toBe(1_000)
    probe.answer = true
    await clock.advance(1_000)
    expect(b.state).toBe('half-open')
    fail()
    expect(b.state).toBe('open')
    await clock.advance(1_000)
    succeed()
    expect(b.state).toBe('closed')
    expect(transitions.map((t) => t.reason)).toEqual(['consecutive-failures', 'recovery-timeout', 'probe-failed', 'recovery-timeout', 'half-open-failure', 'recovery-timeout', 'trial-succeeded'])
  })

  it('stop() clears its timer: nothing fires after the pool closed', async () => {
    const { b, fail, clock, probe } = breaker({ failureThreshold: 1, recoveryTimeoutMillis: 100 })
    fail()
    b.stop()
    expect(clock.pendingTimers).toBe(0)
    await clock.advance(1_000)
    expect(probe.calls).toBe(0)
  })
})

/** Two breakers of the same node in two "instances", sharing through an in-memory bus. */
function sharedPair(claims: boolean[]) {
  const peers = new Map<string, BreakerPeer>()
  const published: string[] = []
  const sharing = (instance: string): BreakerSharing => ({
    join(node, peer): SharedBreakerNode {
      peers.set(instance, peer)
      const others = () => [...peers].filter(([name]) => name !== instance).map(([, p]) => p)
      return {
        publishOpen: (retryAt, lastError) => {
          published.push(`${instance} open`)
          for (const p of others()) p.opened(retryAt, lastError)
        },
        publishProbed: () => {
          published.push(`${instance} probed`)
          for (const p of others()) p.probed()
        },
        publishClose: () => {
          published.push(`${instance} close`)
          for (const p of others()) p.closed()
        },
        claimProbe: async () => claims.shift() ?? true,
        leave: () => peers.delete(instance),
      }
    },
  })
  const clock = new ManualClock()
  const make = (instance: string) => {
    const probe = { calls: 0 }
    const transitions: BreakerTransition[] = []
    const b = new CircuitBreaker(resolveBreakerConfig({ failureThreshold: 1, recoveryTimeoutMillis: 1_000, halfOpenMaxCalls: 1, shared: sharing(instance) })!, {
      node: 'db',
      clock,
      probe: async () => {
        probe.calls++
        return true
      },
      transitioned: (t) => transitions.push(t),
    })
    return { b, probe, transitions }
  }
  return { a: make('a'), z: make('z'), clock, published }
}

describe('circuit breaker: shared between instances', () => {
  it('an instance that opens makes the others open with the same retry time; one probes, and its verdict carries them along', async () => {
    const { a, z, clock, published } = sharedPair([true, false])
    a.b.recordFailure(new Error('connect ECONNREFUSED'), clock.now())
    expect(z.b.state).toBe('open')
    expect(z.transitions[0]).toMatchObject({ reason: 'peer', to: 'open' })
    expect(z.b.stats()).toMatchObject({ lastError: 'connect ECONNREFUSED', shared: true })
    expect(Math.abs(z.transitions[0]!.retryAt! - a.transitions[0]!.retryAt!)).toBeLessThanOrEqual(5)
    await clock.advance(1_000)
    // the first to claim the probe probed and closed; the other never probed and closed on its word
    expect(a.probe.calls + z.probe.calls).toBe(1)
    expect(a.b.state).toBe('closed')
    expect(z.b.state).toBe('closed')
    const prober = a.probe.calls === 1 ? 'a' : 'z'
    expect(published).toEqual(['a open', `${prober} probed`, `${prober} close`])
  })

  it('an instance whose probe another holds waits for the verdict, and probes itself if none comes', async () => {
    const { a, z, clock } = sharedPair([false, false, true])
    a.b.recordFailure(new Error('reset'), clock.now())
    a.b.stop()
    await clock.advance(1_000)
    // z was refused the probe: still open, waiting
    expect(z.b.state).toBe('open')
    expect(z.probe.calls).toBe(0)
    await clock.advance(1_000)
    expect(z.b.state).toBe('open')
    await clock.advance(1_000)
    expect(z.probe.calls).toBe(1)
    expect(z.b.state).toBe('closed')
  })
})

describe('breaker options', () => {
  it('are validated, naming the option', () => {
    expect(() => resolveBreakerConfig({ failureThreshold: 0 })).toThrow(new ConfigError('breaker.failureThreshold', 0, 'must be >= 1'))
    expect(() => resolveBreakerConfig({ errorRateThreshold: 1.5 })).toThrow(/breaker.errorRateThreshold = 1.5: must be more than 0 and at most 1/)
    expect(() => resolveBreakerConfig({ recoveryTimeoutMillis: 2 ** 31 })).toThrow(/breaker.recoveryTimeoutMillis/)
    expect(() => resolveBreakerConfig({ failureTreshold: 3 } as BreakerOptions)).toThrow(/breaker.failureTreshold = 3: unknown option/)
    expect(() => resolveBreakerConfig({ fallback: 'cache' as never })).toThrow(/breaker.fallback/)
    expect(() => resolveBreakerConfig({ shared: {} as never })).toThrow(/breaker.shared/)
    expect(() => resolveBreakerConfig(true as never)).toThrow(/breaker = true: must be false or an object/)
  })

  it('default to the seed\'s semantics, and false turns the breaker off', () => {
    expect(resolveBreakerConfig(undefined)).toMatchObject({ failureThreshold: 5, recoveryTimeoutMillis: 30_000, errorRateThreshold: 0.5, minCalls: 10, windowMillis: 10_000, halfOpenMaxCalls: 3 })
    expect(resolveBreakerConfig(false)).toBeUndefined()
  })
})
