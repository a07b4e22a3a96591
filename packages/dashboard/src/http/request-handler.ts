import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Sampler } from '../collect/sampler.js'
import type { MetricsSource } from '../metrics/metrics-source.js'
import type { Authenticator } from './auth.js'
import type { EventStreams } from './event-stream.js'
import { hostHeaderAllowed } from './host-check.js'
import { send, sendText } from './responses.js'
import type { StaticFile } from './static-files.js'

export interface RequestHandlerParts {
  readonly auth: Authenticator
  /** Only requests addressed to a loopback name (the server listens on loopback). */
  readonly loopbackOnly: boolean
  readonly files: ReadonlyMap<string, StaticFile>
  readonly streams: EventStreams
  readonly sampler: Sampler
  readonly metrics: MetricsSource
}

/**
 * Every route: `/` (the page) and its files, `/events` (the live feed),
 * `/api/frame` (the latest sample as JSON), `/metrics` (Prometheus text).
 * The host check and the token guard all of them alike.
 */
export function createRequestHandler(parts: RequestHandlerParts): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    try {
      route(parts, request, response)
    } catch {
      if (!response.headersSent) sendText(response, 500, 'internal error')
      else response.destroy()
    }
  }
}

function route(parts: RequestHandlerParts, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed', { allow: 'GET, HEAD' })
  if (parts.loopbackOnly && !hostHeaderAllowed(request.headers.host)) return sendText(response, 403, 'this dashboard answers on localhost only')
  const url = new URL(request.url ?? '/', 'http://localhost')
  const decision = parts.auth.decide(request, url)
  if (decision === 'refused') return sendText(response, 401, 'a valid token is required', { 'www-authenticate': 'Bearer realm="sluice-dashboard"' })
  if (decision === 'login') {
    url.searchParams.delete('token')
    return sendText(response, 303, 'signed in', { location: `${url.pathname}${url.search}`, 'set-cookie': parts.auth.sessionCookie() })
  }
  if (url.pathname === '/events') return request.method === 'HEAD' ? send(response, 200, 'text/event-stream; charset=utf-8', '') : parts.streams.open(response)
  if (url.pathname === '/metrics') return void serveMetrics(parts.metrics, response)
  if (url.pathname === '/api/frame') return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(parts.sampler.latest() ?? parts.sampler.sample()))
  const file = parts.files.get(url.pathname)
  if (file) return send(response, 200, file.contentType, file.body)
  sendText(response, 404, 'not found')
}

async function serveMetrics(metrics: MetricsSource, response: ServerResponse): Promise<void> {
  try {
    send(response, 200, metrics.contentType, await metrics.render())
  } catch {
    if (!response.headersSent) sendText(response, 500, 'metrics could not be read')
  }
}
