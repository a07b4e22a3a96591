import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Authenticator } from '../../src/http/auth.js'
import { hostHeaderAllowed, isLoopback } from '../../src/http/host-check.js'

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage
const page = new URL('http://127.0.0.1:9400/')

describe('the Host check', () => {
  it.each([
    ['127.0.0.1:9400', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['[::1]:9400', true],
    ['attacker.example', false],
    ['localhost.attacker.example:9400', false],
    ['127.0.0.1.nip.io:9400', false],
    ['10.0.0.1:9400', false],
    ['', false],
  ])('Host %j allowed: %s', (host, allowed) => {
    expect(hostHeaderAllowed(host || undefined)).toBe(allowed)
  })

  it('knows the loopback listen addresses', () => {
    expect(['127.0.0.1', '127.0.0.2', 'localhost', '::1'].map(isLoopback)).toEqual([true, true, true, true])
    expect(['0.0.0.0', '::', '192.168.1.4', 'example.com'].map(isLoopback)).toEqual([false, false, false, false])
  })
})

describe('the token', () => {
  it('lets everything through when none is configured', () => {
    expect(new Authenticator(undefined, 9400).decide(request({}), page)).toBe('open')
  })

  it('takes a bearer header, a ?token= (trading it for a cookie on the page only), or the session cookie', () => {
    const auth = new Authenticator('s3cret', 9400)
    expect(auth.decide(request({ authorization: 'Bearer s3cret' }), page)).toBe('open')
    expect(auth.decide(request({ authorization: 'bearer s3cret ' }), page)).toBe('open')
    expect(auth.decide(request({}), new URL('http://127.0.0.1:9400/?token=s3cret'))).toBe('login')
    expect(auth.decide(request({}), new URL('http://127.0.0.1:9400/metrics?token=s3cret'))).toBe('open')
    const cookie = auth.sessionCookie().split(';')[0]!
    expect(auth.decide(request({ cookie: `theme=dark; ${cookie}` }), page)).toBe('open')
  })

  it.each([
    [{}, page],
    [{ authorization: 'Bearer s3cre' }, page],
    [{ authorization: 'Bearer s3cret2' }, page],
    [{ authorization: 'Basic s3cret' }, page],
    // a wrong header is not rescued by a right query
    [{ authorization: 'Bearer nope' }, new URL('http://127.0.0.1:9400/?token=s3cret')],
    [{}, new URL('http://127.0.0.1:9400/?token=')],
    [{ cookie: 'sluice_dashboard_9400=s3cret' }, page],
    [{ cookie: 'sluice_dashboard_9401=whatever' }, page],
  ])('refuses %j on %s', (headers, url) => {
    expect(new Authenticator('s3cret', 9400).decide(request(headers as Record<string, string>), url)).toBe('refused')
  })

  it('gives each dashboard its own session key and cookie name', () => {
    const a = new Authenticator('s3cret', 9400)
    const b = new Authenticator('s3cret', 9400)
    expect(a.sessionCookie()).not.toBe(b.sessionCookie())
    expect(b.decide(request({ cookie: a.sessionCookie().split(';')[0]! }), page)).toBe('refused')
    expect(a.sessionCookie()).not.toContain('s3cret')
  })
})
