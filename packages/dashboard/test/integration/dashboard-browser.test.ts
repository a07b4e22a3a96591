import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createPool, postgres, sqlite, type Pool, type PoolStats } from '@sluice/core'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDashboard } from '../../src/index.js'
import { launchBrowser, openWatchedPage, type Browser } from '../support/browser.js'
import { PG_REPLICA_URL, PG_URL } from '../support/databases.js'
import { markupFound, poolNames, readPool, scriptVisibleCookies, waitForEvent, waitForPool, waitForPoolCount, type PoolOnPage } from '../support/page-reader.js'
import { StatsTimeline } from '../support/stats-timeline.js'
import { runWorkload, type Workload } from '../support/workload.js'
import { lockReplicasForFile } from '../../../core/test/support/replica-clusters.js'

// needs the shared replica(s) in rotation: no other file pauses or stops them meanwhile
lockReplicasForFile('postgres')

const REFRESH = 200
// about 15 s on a quiet machine; the margin is for a machine busy with other work
const BROWSER_TEST_TIMEOUT = 60_000
const TOKEN = 'browser-test-token-93ab'
const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboard-browser-'))
const pools: Pool[] = []
let browser: Browser

function sqlitePool(name: string, file = `${name}.db`): Pool {
  const pool = createPool({ dialect: sqlite({ filename: join(dir, file) }), name, min: 1, max: 4, maxLifetimeMillis: 1_500, housekeepingIntervalMillis: 100 })
  pools.push(pool)
  return pool
}

beforeAll(async () => {
  browser = await launchBrowser()
}, BROWSER_TEST_TIMEOUT)
afterAll(async () => {
  await browser?.close()
  await Promise.all(pools.map((pool) => pool.close()))
  rmSync(dir, { recursive: true, force: true })
})

/** The page's counters lie between the pool's just before and just after the moment they were sampled. */
async function expectAgreement(shown: PoolOnPage, pool: Pool, timeline: StatsTimeline): Promise<void> {
  const { before, after } = await timeline.around(shown.at)
  const counters: Array<[string, (s: PoolStats) => number]> = [
    ['executed', (s) => s.queries.executed],
    ['errors', (s) => s.queries.errors],
    ['connectionsCreated', (s) => s.connections.created],
    ['connectionsRecycled', (s) => s.connections.recycled],
    ['workflowsCompleted', (s) => s.workflows.completed],
  ]
  for (const [kpi, read] of counters) {
    const value = Number(shown.kpis[kpi])
    expect(value, kpi).toBeGreaterThanOrEqual(read(before))
    expect(value, kpi).toBeLessThanOrEqual(read(after))
  }
  expect(Number(shown.kpis.max)).toBe(pool.config.max)
  expect(shown.database).toBe(before.pool.database)
  const [active, total] = [Number(shown.kpis.active), Number(shown.kpis.total)]
  expect(active).toBeLessThanOrEqual(total)
  expect(total).toBeLessThanOrEqual(pool.config.max)
  // every connection whose health is shown was open around that moment
  const open = timeline.connectionsNear(shown.at, 2 * REFRESH)
  for (const { id, score } of shown.health) {
    expect(open, id).toContain(id)
    expect(score).toBeGreaterThanOrEqual(0)
    expect(score).toBeLessThanOrEqual(100)
  }
}

describe('the dashboard in headless Chromium', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('shows live numbers that agree with stats(), for PostgreSQL with its replica and SQLite', async () => {
    const inventory = createPool({
      dialect: postgres({ connectionString: PG_URL }),
      replicas: [postgres({ connectionString: PG_REPLICA_URL })],
      routing: { replicaCheckIntervalMillis: 200 },
      name: 'inventory',
      min: 2,
      max: 6,
    })
    pools.push(inventory)
    await inventory.query('DROP TABLE IF EXISTS dashboard_browser_restock')
    await inventory.query('CREATE TABLE dashboard_browser_restock (id SERIAL PRIMARY KEY, sku INT NOT NULL)')
    const orders = sqlitePool('orders')
    await orders.query('CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)')
    const timelines = new Map([[inventory, new StatsTimeline(inventory)], [orders, new StatsTimeline(orders)]])
    const dashboard = await startDashboard({ pools: [inventory, orders], refreshIntervalMillis: REFRESH })
    const loads: Workload[] = []
    try {
      const { page, problems } = await openWatchedPage(browser, dashboard.url)
      const before = new Map<Pool, PoolOnPage>()
      for (const [pool, timeline] of timelines) {
        const shown = await waitForPool(page, pool.config.name)
        await expectAgreement(shown, pool, timeline)
        before.set(pool, shown)
      }
      // the load starts once the page is up: a page that opens under load is slow to load, not to update
      let n = 0
      loads.push(
        runWorkload(inventory, async (pool) => {
          await pool.query('INSERT INTO dashboard_browser_restock (sku) VALUES ($1)', [++n % 50])
          await pool.query('SELECT $1::int AS sku', [n % 50]) // a read: routed to the replica
        }, { concurrency: 4, workflow: 'restock' }),
        runWorkload(orders, async (pool) => {
          await pool.query('INSERT INTO orders (item) VALUES (?)', [`item ${++n}`])
          await pool.query('SELECT COUNT(*) AS n FROM orders')
          // a few failing statements, so that the error figures move too
          if (n % 20 === 0) await pool.query('SELECT * FROM no_such_table').catch(() => undefined)
        }, { concurrency: 4, workflow: 'order' }),
      )
      for (const [pool, timeline] of timelines) {
        const first = before.get(pool)!
        const later = await waitForPool(page, pool.config.name, first.at + 4 * REFRESH)
        await expectAgreement(later, pool, timeline)
        expect(Number(later.kpis.executed)).toBeGreaterThan(Number(first.kpis.executed))
        expect(Number(later.kpis.queriesPerSecond)).toBeGreaterThan(0)
        expect(later.panels).toEqual(expect.arrayContaining(['connections', 'utilization', 'throughput', 'errors', 'acquire-wait', 'acquire-histogram', 'query-time', 'health', 'workflows', 'events']))
        // the distribution's bars add up to the acquires it says it counted
        expect(later.acquireBuckets.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0)
        const { statements } = pool.stats()
        expect(later.panels.includes('statement-cache')).toBe(statements.hits + statements.misses > 0)
      }
      // connections reaching maxLifetimeMillis are closed and replaced while the page watches
      await waitForEvent(page, 'orders', 'lifetime')
      const shownOrders = (await readPool(page, 'orders'))!
      const closed = shownOrders.events.find((event) => event[2] === 'lifetime')!
      expect(closed[0]).toBe('closed')
      expect(closed[1]).toMatch(/^conn-\d+$/)
      expect(shownOrders.events.some((event) => event[0] === 'opened')).toBe(true)
      expect(Number(shownOrders.kpis.errors)).toBeGreaterThan(0)
      expect(shownOrders.workflows).toEqual(['order'])
      expect(shownOrders.panels).not.toContain('replica-lag')
      const shownInventory = (await readPool(page, 'inventory'))!
      expect(shownInventory.panels).toEqual(expect.arrayContaining(['replica-lag', 'nodes']))
      expect(shownInventory.nodes.map((row) => [row.node, row.healthy])).toEqual([['primary', 'true'], ['replica-1', 'true']])
      expect(shownInventory.nodes[1]!.cells[1]).toBe(inventory.routingStats()!.replicas[0]!.database)
      expect(shownInventory.nodes[1]!.cells[3]).toMatch(/^\d+(\.\d+)? (ms|s)$/)
      expect(Number(shownInventory.nodes[1]!.cells[5]!.replace(/,/g, ''))).toBeGreaterThan(0)
      // each node's circuit breaker, closed while both serve
      expect(shownInventory.nodes.map((row) => row.cells[7])).toEqual(['closed', 'closed'])
      expect(await poolNames(page)).toEqual(['inventory', 'orders'])
      await saveScreenshot(page)
      expect(problems).toEqual([])
    } finally {
      await Promise.all(loads.map((load) => load.stop()))
      for (const timeline of timelines.values()) timeline.stop()
      await dashboard.close()
    }
  })

  it('says when no pool is registered, shows a pool added later, and drops one that closes', async () => {
    const dashboard = await startDashboard({ refreshIntervalMillis: REFRESH })
    try {
      const { page, problems } = await openWatchedPage(browser, dashboard.url)
      const empty = page.locator('#empty')
      await empty.waitFor({ state: 'visible' })
      expect(await empty.locator('h2').textContent()).toBe('No pool registered')
      const first = sqlitePool('first')
      const second = sqlitePool('second')
      dashboard.add(first)
      await first.ready()
      await second.ready()
      const shownFirst = await waitForPool(page, 'first')
      await empty.waitFor({ state: 'hidden' })
      // a page opened later gets the recent frames: charts start filled, earlier events listed
      const late = await openWatchedPage(browser, dashboard.url)
      const replayed = await waitForPool(late.page, 'first', shownFirst.at)
      expect(replayed.events).toContainEqual(['opened', 'conn-1', ''])
      expect(late.problems).toEqual([])
      await late.page.close()
      dashboard.add(second)
      await waitForPool(page, 'second')
      expect(await poolNames(page)).toEqual(['first', 'second'])
      await first.close()
      await waitForPoolCount(page, 1)
      expect(await poolNames(page)).toEqual(['second'])
      await second.close()
      await empty.waitFor({ state: 'visible' })
      expect(await poolNames(page)).toEqual([])
      expect(problems).toEqual([])
    } finally {
      await dashboard.close()
    }
  })

  it("shows a node's circuit breaker opening, with the change in the events", async () => {
    // nothing listens on port 1: every connect is refused, and the breaker opens after two
    const pool = createPool({
      dialect: postgres({ connectionString: 'postgres://sluice:sluice-secret@127.0.0.1:1/sluice' }),
      name: 'unreachable',
      min: 0,
      max: 2,
      acquireTimeoutMillis: 300,
      createRetryInitialMillis: 10,
      breaker: { failureThreshold: 2, recoveryTimeoutMillis: 60_000 },
      log: false,
    })
    pools.push(pool)
    pool.on('error', () => undefined)
    const dashboard = await startDashboard({ pools: [pool], refreshIntervalMillis: REFRESH })
    try {
      const { page, problems } = await openWatchedPage(browser, dashboard.url)
      const closed = await waitForPool(page, 'unreachable')
      expect(closed.nodes.map((row) => [row.node, row.cells[7]])).toEqual([['primary', 'closed']])
      for (let i = 0; i < 4; i++) await pool.query('SELECT 1').catch(() => undefined)
      expect(pool.stats().breaker!.state).toBe('open')
      await waitForEvent(page, 'unreachable', 'primary: closed → open (consecutive-failures)')
      const open = await waitForPool(page, 'unreachable', Date.now())
      expect(open.nodes[0]!.cells[7]).toMatch(/^open · probes in \d+(\.\d+)? s · 100% failing · opened 1× · \d+ refused$/)
      expect(open.events.find((event) => event[0] === 'breaker')).toEqual(['breaker', '', 'primary: closed → open (consecutive-failures)'])
      expect(problems).toEqual([])
    } finally {
      await dashboard.close()
    }
  })

  it('renders hostile pool names, workflow types, SQL and file names as text', async () => {
    const hostileName = '<img src=x onerror=alert(1)>'
    const hostileSql = `'); DROP TABLE users; --<script>alert(2)</script>`
    const hostileFile = '<svg onload=alert(3)>.db'
    const pool = sqlitePool('hostile', hostileFile)
    await pool.runWorkflow(hostileSql, () => pool.query(`SELECT '${hostileSql.replace(/'/g, "''")}' AS sql`))
    // a quoted name stays in the statement's fingerprint (a literal becomes ?)
    const hostileColumn = '<img src=x onerror=alert(4)>'
    await pool.query(`SELECT 1 AS "${hostileColumn}"`)
    const dashboard = await startDashboard({ pools: { [hostileName]: pool }, refreshIntervalMillis: REFRESH })
    try {
      const { page, problems } = await openWatchedPage(browser, dashboard.url)
      const shown = await waitForPool(page, hostileName)
      expect(shown.title).toBe(hostileName)
      expect(shown.database).toBe(`sqlite:${join(dir, hostileFile)}`)
      expect(shown.workflows).toEqual([hostileSql])
      expect(shown.panels).toContain('patterns')
      expect(shown.patterns.map((row) => row[0])).toContain(`SELECT ? AS "${hostileColumn}"`)
      // the literal's text never reaches the page: values are ? in a fingerprint
      expect(shown.patterns.some((row) => row[0]!.includes('DROP TABLE'))).toBe(false)
      // wait a few refreshes: any injected handler would have fired by now
      await waitForPool(page, hostileName, shown.at + 2 * REFRESH)
      expect(await markupFound(page)).toEqual({ images: 0, svgs: 0, scripts: ['/assets/uplot.js', '/page/main.js'] })
      expect(problems).toEqual([])
    } finally {
      await dashboard.close()
    }
  })

  it('refuses a page without the token or with a wrong one, and opens with the right one', async () => {
    const pool = sqlitePool('guarded')
    await pool.ready()
    const dashboard = await startDashboard({ pools: [pool], refreshIntervalMillis: REFRESH, token: TOKEN })
    try {
      const { page, problems } = await openWatchedPage(browser, 'about:blank')
      expect((await page.goto(dashboard.url))!.status()).toBe(401)
      expect((await page.goto(`${dashboard.url}?token=not-the-token`))!.status()).toBe(401)
      expect(await page.content()).not.toContain('guarded')
      const opened = await page.goto(`${dashboard.url}?token=${TOKEN}`)
      expect(opened!.status()).toBe(200)
      expect(page.url()).toBe(dashboard.url) // the token left the address bar
      await waitForPool(page, 'guarded') // and the event stream is authorised by the cookie
      const cookies = await browser.context.cookies(dashboard.url)
      expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, sameSite: 'Strict' })])
      expect(cookies[0]!.value).not.toContain(TOKEN)
      expect(await scriptVisibleCookies(page)).toBe('')
      // a 401 document is not a script error
      expect(problems.filter((p) => !p.includes('401'))).toEqual([])
    } finally {
      await browser.context.clearCookies()
      await dashboard.close()
    }
  })
})

/** Saves the page to the temp dir; SLUICE_DASHBOARD_SCREENSHOT=docs/dashboard.png copies it there too. */
async function saveScreenshot(page: Page): Promise<void> {
  const path = join(tmpdir(), 'sluice-dashboard-screenshots', 'dashboard.png')
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path })
  const copyTo = process.env.SLUICE_DASHBOARD_SCREENSHOT
  if (copyTo) copyFileSync(path, copyTo)
}
