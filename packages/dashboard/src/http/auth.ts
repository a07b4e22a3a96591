import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * - `open`: no token configured, or a valid bearer token / session cookie
 * - `login`: a valid `?token=` on the page: set the session cookie and drop the token from the address
 * - `refused`: 401
 */
export type AuthDecision = 'open' | 'login' | 'refused'

/**
 * The optional bearer token. A browser cannot add a header to the page or
 * to an EventSource, so `?token=` once trades the token for an HttpOnly
 * cookie holding a random session key: the token itself never rests in the
 * browser. Every comparison takes the same time whatever the input.
 */
export class Authenticator {
  readonly #token: Buffer | undefined
  readonly #sessionKey = randomBytes(32).toString('base64url')
  /** Per port: browsers share cookies between the ports of one host. */
  readonly #cookieName: string

  constructor(token: string | undefined, port: number) {
    this.#token = token === undefined ? undefined : digest(token)
    this.#cookieName = `sluice_dashboard_${port}`
  }

  decide(request: IncomingMessage, url: URL): AuthDecision {
    if (this.#token === undefined) return 'open'
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1]
    if (bearer !== undefined) return this.#matches(bearer) ? 'open' : 'refused'
    const query = url.searchParams.get('token')
    // only the page trades the token for a cookie; a scraper or script keeps passing it
    if (query !== null) return !this.#matches(query) ? 'refused' : url.pathname === '/' ? 'login' : 'open'
    const session = readCookie(request.headers.cookie, this.#cookieName)
    return session !== undefined && timingSafeEqual(digest(session), digest(this.#sessionKey)) ? 'open' : 'refused'
  }

  /** The `Set-Cookie` value that opens the page for this browser until the dashboard stops. */
  sessionCookie(): string {
    return `${this.#cookieName}=${this.#sessionKey}; HttpOnly; SameSite=Strict; Path=/`
  }

  #matches(candidate: string): boolean {
    return this.#token !== undefined && timingSafeEqual(digest(candidate), this.#token)
  }
}

// hashing first makes both sides the same length, so the comparison leaks no length either
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}
