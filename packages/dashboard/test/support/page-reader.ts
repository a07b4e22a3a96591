import type { Page } from 'playwright-core'

/** What a person sees of one pool on the page, read from the DOM. */
export interface PoolOnPage {
  /** When the numbers shown were sampled (the frame's time), ms since the epoch. */
  readonly at: number
  readonly title: string
  readonly database: string
  /** `data-kpi` -> unformatted `data-value` ('' while unknown). */
  readonly kpis: Readonly<Record<string, string>>
  /** `data-kpi` -> the text shown. */
  readonly texts: Readonly<Record<string, string>>
  readonly panels: readonly string[]
  readonly health: ReadonlyArray<{ readonly id: string; readonly score: number }>
  /** Acquires per bar of the acquire-wait distribution. */
  readonly acquireBuckets: readonly number[]
  readonly nodes: ReadonlyArray<{ readonly node: string; readonly healthy: string; readonly cells: readonly string[] }>
  readonly workflows: readonly string[]
  /** The top-statements table: each row's cells (fingerprint, kind, count, per s, mean, p95, errors). */
  readonly patterns: ReadonlyArray<readonly string[]>
  /** The recent-events list, newest first: kind label, connection id, detail. */
  readonly events: ReadonlyArray<readonly [kind: string, connection: string, detail: string]>
}

// the few DOM types the reader needs, so that the test code does not pull in the DOM library
interface PageElement {
  readonly dataset: Record<string, string | undefined>
  readonly textContent: string | null
  getAttribute(name: string): string | null
  querySelector(selector: string): PageElement | null
  querySelectorAll(selector: string): Iterable<PageElement> & { readonly length: number }
}
declare const document: { querySelectorAll(selector: string): Iterable<PageElement> & { readonly length: number }; readonly cookie: string }

/** The pools the page shows, in order. */
export function poolNames(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('section.pool')].map((s) => s.dataset.pool ?? ''))
}

/** One pool as the page shows it now; null when it has no section. */
export function readPool(page: Page, name: string): Promise<PoolOnPage | null> {
  return page.evaluate((name) => {
    const section = [...document.querySelectorAll('section.pool')].find((s) => s.dataset.pool === name)
    if (!section) return null
    const kpis: Record<string, string> = {}
    const texts: Record<string, string> = {}
    for (const figure of section.querySelectorAll('[data-kpi]')) {
      kpis[figure.dataset.kpi ?? ''] = figure.dataset.value ?? ''
      texts[figure.dataset.kpi ?? ''] = figure.textContent ?? ''
    }
    return {
      at: Number(section.dataset.at),
      title: section.querySelector('.pool-name')?.textContent ?? '',
      database: section.querySelector('.pool-db')?.textContent ?? '',
      kpis,
      texts,
      panels: [...section.querySelectorAll('[data-panel]')].map((p) => p.dataset.panel ?? ''),
      health: [...section.querySelectorAll('[data-connection]')].map((row) => ({ id: row.dataset.connection ?? '', score: Number(row.dataset.value) })),
      acquireBuckets: [...section.querySelectorAll('[data-bucket]')].map((row) => Number(row.dataset.value)),
      nodes: [...section.querySelectorAll('tr[data-node]')].map((row) => ({
        node: row.dataset.node ?? '',
        healthy: row.dataset.healthy ?? '',
        cells: [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? ''),
      })),
      workflows: [...section.querySelectorAll('tr[data-workflow]')].map((row) => row.querySelector('td')?.textContent ?? ''),
      patterns: [...section.querySelectorAll('tr[data-pattern]')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
      events: [...section.querySelectorAll('li.event')].map(
        (row) => [...row.querySelectorAll('span')].map((cell) => cell.textContent ?? '') as unknown as readonly [string, string, string],
      ),
    }
  }, name)
}

/** Waits until the page shows `name` sampled after `after` (ms since the epoch). */
export async function waitForPool(page: Page, name: string, after = 0, timeout = 20_000): Promise<PoolOnPage> {
  await page.waitForFunction(
    ([name, after]) => [...document.querySelectorAll('section.pool')].some((s) => s.dataset.pool === name && Number(s.dataset.at) > Number(after)),
    [name, after] as const,
    { timeout, polling: 50 },
  )
  return (await readPool(page, name))!
}

/** Waits until the page shows exactly `count` pools. */
export async function waitForPoolCount(page: Page, count: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('section.pool').length === count, count, { timeout, polling: 50 })
}

/** Elements that would be there only if the page had parsed data as HTML. */
export function markupFound(page: Page): Promise<{ images: number; svgs: number; scripts: Array<string | null> }> {
  return page.evaluate(() => ({
    // the logo is the page's one image
    images: document.querySelectorAll('img:not(.logo)').length,
    svgs: document.querySelectorAll('svg').length,
    scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
  }))
}

/** The cookies a script on the page can read. */
export function scriptVisibleCookies(page: Page): Promise<string> {
  return page.evaluate(() => document.cookie)
}

/** Waits until the pool's recent-events list has a row whose detail is `detail`. */
export async function waitForEvent(page: Page, name: string, detail: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ([name, detail]) =>
      [...document.querySelectorAll('section.pool')].some(
        (s) => s.dataset.pool === name && [...s.querySelectorAll('li.event .event-detail')].some((cell) => cell.textContent === detail),
      ),
    [name, detail] as const,
    { timeout, polling: 50 },
  )
}
