import { isIP } from 'node:net'
import { ConfigError } from '@sluice/core'
import { isDashboardPool, type DashboardPool } from '../registry/dashboard-pool.js'
import { DASHBOARD_DEFAULTS, MAX_REFRESH_INTERVAL_MILLIS, MIN_REFRESH_INTERVAL_MILLIS } from './defaults.js'

/** Pools to show: a list (each under its configured `name`) or a record (each under its key). */
export type DashboardPools = readonly DashboardPool[] | Readonly<Record<string, DashboardPool>>

export interface DashboardOptions {
  /** The pools shown from the start; more can be added with `dashboard.add()`. Defaults to none. */
  readonly pools?: DashboardPools
  /** Port to listen on; 0 picks a free one (`dashboard.url` has it). Defaults to 0. */
  readonly port?: number
  /**
   * Address to listen on. Defaults to `127.0.0.1`: only this machine can
   * open the page. Anything else exposes pool statistics to the network, so
   * set a `token` with it.
   */
  readonly host?: string
  /** How often every pool is sampled and the page updated, in ms (100 to 60 000). Defaults to 1 000. */
  readonly refreshIntervalMillis?: number
  /**
   * When set, every request (page, event stream, `/metrics`) must carry it as
   * `Authorization: Bearer <token>`, or open the page once as `?token=<token>`
   * (which sets an HttpOnly session cookie). Defaults to none.
   */
  readonly token?: string
}

export interface ResolvedDashboardOptions {
  readonly pools: ReadonlyArray<{ readonly name: string; readonly pool: DashboardPool }>
  readonly port: number
  readonly host: string
  readonly refreshIntervalMillis: number
  readonly token: string | undefined
}

const KNOWN_KEYS = new Set(['pools', 'port', 'host', 'refreshIntervalMillis', 'token'])
/** Host names and addresses as `listen()` takes them: letters, digits, dots, dashes, colons (IPv6). */
const HOST_PATTERN = /^[A-Za-z0-9.\-:]+$/
/** A token travels in a header and a query string: printable ASCII without spaces. */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/

/** Validates `startDashboard()`'s options once and returns them with defaults filled in. */
export function resolveDashboardOptions(options: DashboardOptions = {}): ResolvedDashboardOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError('options', options, 'must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(key, (options as Record<string, unknown>)[key], 'unknown option')
  }
  return Object.freeze({
    pools: Object.freeze(resolvePools(options.pools ?? [])),
    port: resolvePort(options.port ?? DASHBOARD_DEFAULTS.port),
    host: resolveHost(options.host ?? DASHBOARD_DEFAULTS.host),
    refreshIntervalMillis: resolveInterval(options.refreshIntervalMillis ?? DASHBOARD_DEFAULTS.refreshIntervalMillis),
    token: options.token === undefined ? undefined : resolveToken(options.token),
  })
}

/** The name a pool is shown under, and the check that it is a pool; used by `dashboard.add()` too. */
export function checkPool(field: string, pool: unknown, name: unknown): { name: string; pool: DashboardPool } {
  if (!isDashboardPool(pool)) throw new ConfigError(field, pool, 'must be a Sluice pool (from createPool())')
  const shownAs = name ?? pool.stats().pool.name
  if (typeof shownAs !== 'string' || shownAs.length === 0) throw new ConfigError(`${field} name`, shownAs, 'must be a non-empty string')
  return { name: shownAs, pool }
}

function resolvePools(pools: unknown): Array<{ name: string; pool: DashboardPool }> {
  if (pools === null || typeof pools !== 'object') throw new ConfigError('pools', pools, 'must be an array of pools or a record of name -> pool')
  const entries = Array.isArray(pools)
    ? pools.map((pool, i) => checkPool(`pools[${i}]`, pool, undefined))
    : Object.entries(pools).map(([name, pool]) => checkPool(`pools.${name}`, pool, name))
  const seen = new Set<string>()
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new ConfigError('pools', entry.name, 'two pools have this name; give them distinct names (or pass a record)')
    seen.add(entry.name)
  }
  return entries
}

function resolvePort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('port', port, 'must be an integer from 0 to 65535 (0 picks a free port)')
  }
  return port
}

function resolveHost(host: unknown): string {
  if (typeof host !== 'string' || !HOST_PATTERN.test(host) || (host.includes(':') && isIP(host) !== 6)) {
    throw new ConfigError('host', host, 'must be a host name or an IP address')
  }
  return host
}

function resolveInterval(millis: unknown): number {
  if (typeof millis !== 'number' || !Number.isInteger(millis) || millis < MIN_REFRESH_INTERVAL_MILLIS || millis > MAX_REFRESH_INTERVAL_MILLIS) {
    throw new ConfigError('refreshIntervalMillis', millis, `must be an integer from ${MIN_REFRESH_INTERVAL_MILLIS} to ${MAX_REFRESH_INTERVAL_MILLIS}`)
  }
  return millis
}

function resolveToken(token: unknown): string {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
    throw new ConfigError('token', token, 'must be a non-empty string of printable ASCII characters without spaces')
  }
  return token
}
