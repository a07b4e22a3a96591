import { isIP } from 'node:net'

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

/** True when `host` (as given to `listen()`) only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'))
}

/**
 * A dashboard on loopback answers only requests addressed to a loopback
 * name. A web page elsewhere could otherwise point a DNS name of its own at
 * 127.0.0.1 (DNS rebinding) and read the statistics through the browser.
 * Any port is fine: an SSH tunnel may forward another one.
 */
export function hostHeaderAllowed(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!
  return LOOPBACK_NAMES.has(name.toLowerCase()) || (isIP(name) === 4 && name.startsWith('127.'))
}
