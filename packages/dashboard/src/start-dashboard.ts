import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolveDashboardOptions, type DashboardOptions } from './config/dashboard-options.js'
import { DashboardListenError } from './dashboard-error.js'
import { Sampler } from './collect/sampler.js'
import type { DashboardFrame } from './collect/snapshot.js'
import { Authenticator } from './http/auth.js'
import { EventStreams } from './http/event-stream.js'
import { isLoopback } from './http/host-check.js'
import { createRequestHandler } from './http/request-handler.js'
import { loadStaticFiles } from './http/static-files.js'
import { createMetricsSource } from './metrics/metrics-source.js'
import type { DashboardPool } from './registry/dashboard-pool.js'
import { PoolRegistry } from './registry/pool-registry.js'

/** A running dashboard. */
export interface Dashboard {
  /** The page, e.g. `http://127.0.0.1:40123/` (without the token). */
  readonly url: string
  /** Prometheus text of every pool shown, e.g. `http://127.0.0.1:40123/metrics`. */
  readonly prometheusUrl: string
  /** Shows one more pool, under `name` or its configured name; returns the name. Closed pools leave by themselves. */
  add(pool: DashboardPool, name?: string): string
  /** Stops showing a pool (given as itself or by name); true when it was shown. */
  remove(poolOrName: DashboardPool | string): boolean
  /** The names of the pools shown now. */
  pools(): string[]
  /** Samples every pool now, as the page will see it. */
  sample(): DashboardFrame
  /** Closes the page's streams and the server; the pools are left alone. Idempotent. */
  close(): Promise<void>
}

/**
 * Serves a live page of the given pools and their replicas (connections,
 * health, acquire wait, throughput, errors, replica lag, statement cache,
 * workflows) and their Prometheus metrics at `/metrics`. Listens on
 * 127.0.0.1 unless `host` says otherwise.
 *
 * ```ts
 * const dashboard = await startDashboard({ pools: [pool], port: 9400 })
 * console.log(`dashboard: ${dashboard.url}`)
 * // ...
 * await dashboard.close()
 * ```
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const config = resolveDashboardOptions(options)
  const now = () => Date.now()
  const registry = new PoolRegistry(now)
  for (const { name, pool } of config.pools) registry.add(pool, name)
  const files = loadStaticFiles()
  const server = createServer()
  const port = await listen(server, config.host, config.port).catch((error: unknown) => {
    registry.clear()
    throw new DashboardListenError(config.host, config.port, error)
  })
  const sampler = new Sampler(registry, config.refreshIntervalMillis, now)
  const streams = new EventStreams(sampler)
  const metrics = createMetricsSource(registry)
  const auth = new Authenticator(config.token, port)
  server.on('request', createRequestHandler({ auth, loopbackOnly: isLoopback(config.host), files, streams, sampler, metrics }))
  sampler.start()

  const base = `http://${urlHost(config.host)}:${port}`
  let closed: Promise<void> | undefined
  return {
    url: `${base}/`,
    prometheusUrl: `${base}/metrics`,
    add: (pool, name) => registry.add(pool, name),
    remove: (poolOrName) => registry.remove(poolOrName),
    pools: () => registry.names(),
    sample: () => sampler.sample(),
    close: () => {
      closed ??= shutDown(server, sampler, streams, registry)
      return closed
    },
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

async function shutDown(server: Server, sampler: Sampler, streams: EventStreams, registry: PoolRegistry): Promise<void> {
  sampler.stop()
  streams.closeAll()
  registry.clear()
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  await stopped
}

/** The address to print: an IPv6 literal in brackets; a wildcard address as loopback, which reaches it from here. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}
