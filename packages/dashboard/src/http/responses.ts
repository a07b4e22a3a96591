import type { ServerResponse } from 'node:http'

/**
 * Headers on every response: nothing is cached, nothing is framed or
 * sniffed, and the page may run only our own scripts and styles (uPlot sets
 * its inline styles through the DOM, which the policy allows).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}

export function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(response, status, 'text/plain; charset=utf-8', `${text}\n`, headers)
}
