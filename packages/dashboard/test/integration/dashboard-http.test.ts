import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool, sqlite, type Pool } from '@sluice/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DashboardListenError, startDashboard, type Dashboard } from '../../src/index.js'
import { get } from '../support/http.js'

const TOKEN = 'dashboard-test-token-5f1c'
const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboard-http-'))
let pool: Pool

beforeAll(async () => {
  pool = createPool({ dialect: sqlite({ filename: join(dir, 'http.db') }), name: 'http', min: 1, max: 2 })
  await pool.ready()
})
afterAll(async () => {
  await pool.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the dashboard server', () => {
  it('listens on 127.0.0.1 on a free port and reports it', async () => {
    const dashboard = await startDashboard({ pools: [pool] })
    try {
      expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(dashboard.url).not.toMatch(/:0\/$/)
      expect(dashboard.prometheusUrl).toBe(`${dashboard.url}metrics`)
      const page = await get(dashboard.url)
      expect(page.status).toBe(200)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(page.headers['content-security-policy']).toContain("script-src 'self'")
      expect(page.headers['x-content-type-options']).toBe('nosniff')
      // the charting library comes from our own server, never a CDN
      expect(page.body).not.toMatch(/https?:\/\//)
      const uplot = await get(`${dashboard.url}assets/uplot.js`)
      expect(uplot.status).toBe(200)
      expect(uplot.body).toContain('uPlot')
    } finally {
      await dashboard.close()
    }
  })

  it('serves nothing but its own files, whatever the path asks for', async () => {
    const dashboard = await startDashboard()
    try {
      for (const path of ['page/../package.json', 'page/%2e%2e/package.json', 'page/..%2fpackage.json', 'src/index.ts', 'node_modules/uplot/package.json', 'etc/passwd']) {
        expect((await get(`${dashboard.url}${path}`)).status, path).toBe(404)
      }
      expect((await get(dashboard.url, {}, { method: 'POST' })).status).toBe(405)
    } finally {
      await dashboard.close()
    }
  })

  it('on loopback, refuses requests addressed to another host name (DNS rebinding)', async () => {
    const dashboard = await startDashboard({ pools: [pool] })
    try {
      expect((await get(dashboard.prometheusUrl, { host: 'attacker.example:80' })).status).toBe(403)
      expect((await get(dashboard.prometheusUrl, { host: 'localhost:8080' })).status).toBe(200)
    } finally {
      await dashboard.close()
    }
  })

  it('with a token, answers 401 on every route without it or with a wrong one', async () => {
    const dashboard = await startDashboard({ pools: [pool], token: TOKEN })
    try {
      for (const path of ['', 'events', 'metrics', 'api/frame', 'assets/uplot.js', 'page/main.js', 'no-such-page']) {
        const url = `${dashboard.url}${path}`
        const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }, { cookie: `sluice_dashboard_${new URL(url).port}=${TOKEN}` }]
        for (const headers of attempts) {
          const reply = await get(url, headers)
          expect(reply.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
          expect(reply.headers['www-authenticate']).toBe('Bearer realm="sluice-dashboard"')
          expect(reply.body).not.toContain('sluice_')
        }
        expect((await get(`${url}?token=wrong`)).status).toBe(401)
      }
      const metrics = await get(dashboard.prometheusUrl, { authorization: `Bearer ${TOKEN}` })
      expect(metrics.status).toBe(200)
      expect(metrics.body).toContain('sluice_connections{pool="http",node="primary",state="max"} 2')
      // a scraper that can only put the token in the address gets the metrics, not a redirect
      const byQuery = await get(`${dashboard.prometheusUrl}?token=${TOKEN}`)
      expect(byQuery.status).toBe(200)
      expect(byQuery.headers['set-cookie']).toBeUndefined()
      expect(byQuery.body).toBe(metrics.body)
    } finally {
      await dashboard.close()
    }
  })

  it('trades ?token= for an HttpOnly session cookie and drops the token from the address', async () => {
    const dashboard = await startDashboard({ pools: [pool], token: TOKEN })
    try {
      const login = await get(`${dashboard.url}?token=${TOKEN}`)
      expect(login.status).toBe(303)
      expect(login.headers.location).toBe('/')
      const cookie = String(login.headers['set-cookie'])
      expect(cookie).toMatch(/^sluice_dashboard_\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/)
      // the cookie holds a session key, not the token
      expect(cookie).not.toContain(TOKEN)
      const session = cookie.split(';')[0]!
      expect((await get(dashboard.url, { cookie: session })).status).toBe(200)
      const stream = await get(`${dashboard.url}events`, { cookie: session }, { streamBytes: 200 })
      expect(stream.status).toBe(200)
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8')
      expect(stream.body).toContain('event: history')
      // another dashboard's session opens nothing here
      const other = await startDashboard({ token: TOKEN })
      try {
        expect((await get(other.url, { cookie: session.replace(/^[^=]+/, `sluice_dashboard_${new URL(other.url).port}`) })).status).toBe(401)
      } finally {
        await other.close()
      }
    } finally {
      await dashboard.close()
    }
  })

  it('fails to start with a typed error when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const error = await startDashboard({ port }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(DashboardListenError)
      expect((error as DashboardListenError).code).toBe('SLUICE_DASHBOARD_LISTEN')
      expect((error as Error).message).toBe(`Sluice dashboard: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`)
    } finally {
      blocker.close()
    }
  })

  it('closes its streams and its port, leaves the pools open, and can be closed twice', async () => {
    const dashboard: Dashboard = await startDashboard({ pools: [pool], refreshIntervalMillis: 100 })
    const stream = get(`${dashboard.url}events`)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await Promise.all([dashboard.close(), dashboard.close()])
    // the open event stream ended with the server
    expect((await stream).body).toContain('event: history')
    await expect(get(dashboard.url)).rejects.toThrow(/ECONNREFUSED/)
    expect(pool.closed).toBe(false)
    await pool.query('SELECT 1')
  })

  it('drops a page that stops reading its event stream instead of buffering without end', async () => {
    const dashboard = await startDashboard({ pools: [pool], refreshIntervalMillis: 60_000 })
    const socket = connect(Number(new URL(dashboard.url).port), '127.0.0.1')
    let received = 0
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.on('error', () => undefined)
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await new Promise((resolve) => socket.once('data', resolve))
    // the page reads nothing from here on
    socket.pause()
    try {
      let sent = 0
      // far more than the socket buffers and the 4 MB a page may fall behind
      while (sent < 24_000_000) {
        for (let i = 0; i < 1_000; i++) sent += JSON.stringify(dashboard.sample()).length
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      // reading again: the stream ends after what was buffered before it was dropped
      socket.on('data', (chunk: Buffer) => (received += chunk.length))
      socket.resume()
      await closed
      expect(received).toBeGreaterThan(0)
      expect(received).toBeLessThan(sent / 2)
    } finally {
      socket.destroy()
      await dashboard.close()
    }
  }, 30_000)
})
