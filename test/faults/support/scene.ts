import { afterEach, expect } from 'vitest'
import { createPool, type Pool, type PoolOptions } from '@sluice/core'
import { FaultProxy } from '../../fault-proxy/fault-proxy.js'
import type { Endpoint } from './fault-targets.js'
import { LogSink } from './log-sink.js'
import { resolvesWithin } from './settle.js'

/** Ports reserved for the fault tests' proxies (beside the private servers' 5450-5459 and 3350-3359). */
export const PROXY_PORTS = { from: 16_000, to: 16_999 } as const

/** How much longer than its own bound a call may take on a loaded CI machine before it counts as hung. */
export const MARGIN_MILLIS = 2_000

/**
 * How long the dialects wait for a peer to answer their goodbye (pg's `end()`,
 * MySQL's QUIT) before they destroy the socket: the longest of their close
 * timeouts. A pool's close() may take this much beyond closeTimeoutMillis
 * when the network is frozen.
 */
export const GOODBYE_MILLIS = 5_000

/**
 * What one fault test sets up: pools (logging into one sink) and proxies,
 * all closed after the test, each close bounded (a close that hangs fails
 * the test by name), and a check that no log line carried `secret`.
 */
export class Scene {
  readonly logs = new LogSink()
  readonly #pools: Pool[] = []
  readonly #proxies: FaultProxy[] = []

  /** A fault proxy in front of `to`, on a reserved port. */
  async proxy(to: Endpoint): Promise<FaultProxy> {
    const proxy = await FaultProxy.start({ target: { host: to.host, port: to.port }, port: PROXY_PORTS })
    this.#proxies.push(proxy)
    return proxy
  }

  /** A pool that logs into this scene's sink. */
  pool(options: PoolOptions): Pool {
    const pool = createPool({ log: this.logs.log, ...options })
    this.#pools.push(pool)
    return pool
  }

  async end(secret: string): Promise<void> {
    // open the network first: a close must not depend on it, but the next test should not inherit a frozen proxy
    for (const proxy of this.#proxies) await proxy.pass()
    for (const [i, pool] of this.#pools.entries()) {
      await resolvesWithin(`pool ${i + 1}.close()`, pool.close(), pool.config.closeTimeoutMillis + GOODBYE_MILLIS + MARGIN_MILLIS)
    }
    for (const proxy of this.#proxies) await proxy.close()
    expect(this.logs.containing(secret), 'log lines that show the password').toEqual([])
  }
}

/** A fresh scene per test, ended after it. */
export function useScene(secret: string): () => Scene {
  let scene: Scene | undefined
  afterEach(async () => {
    const ending = scene
    scene = undefined
    await ending?.end(secret)
  })
  return () => (scene ??= new Scene())
}
