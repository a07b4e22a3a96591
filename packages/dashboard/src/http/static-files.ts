import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface StaticFile {
  readonly contentType: string
  readonly body: Buffer
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

// the page ships at the package's root, beside src/ and dist/: found from wherever this module was loaded
// (src/http/, dist/esm/http/ or dist/cjs/http/)
const PAGE_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'page')

/**
 * Every file the server hands out, read once at start: the page (index.html
 * at `/`, the rest under `/page/`) and uPlot from this package's own
 * dependencies (no CDN: the dashboard must work behind a firewall). Nothing
 * else on the disk is reachable, whatever the path asks for.
 */
export function loadStaticFiles(): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  for (const path of listFiles(PAGE_DIR)) {
    const type = CONTENT_TYPES[extname(path)]
    if (!type) continue
    const route = `/page/${relative(PAGE_DIR, path).split(sep).join('/')}`
    files.set(route, { contentType: type, body: readFileSync(path) })
  }
  const index = files.get('/page/index.html')
  if (!index) throw new Error(`the dashboard page is missing: ${join(PAGE_DIR, 'index.html')}`)
  files.set('/', { contentType: index.contentType, body: withModulePreloads(index.body, [...files.keys()].filter((route) => route.endsWith('.js'))) })
  files.delete('/page/index.html')
  const fromHere = createRequire(import.meta.url)
  files.set('/assets/uplot.js', { contentType: CONTENT_TYPES['.js']!, body: readFileSync(fromHere.resolve('uplot/dist/uPlot.iife.min.js')) })
  files.set('/assets/uplot.css', { contentType: CONTENT_TYPES['.css']!, body: readFileSync(fromHere.resolve('uplot/dist/uPlot.min.css')) })
  return files
}

/**
 * Announces every module of the page in its head, so the browser fetches
 * them in one round instead of one level of imports after another.
 */
function withModulePreloads(html: Buffer, modules: string[]): Buffer {
  const links = modules.map((route) => `<link rel="modulepreload" href="${route}" />`).join('\n    ')
  return Buffer.from(html.toString('utf8').replace('<!-- module preloads -->', links))
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
  )
}

/** The nearest folder above `dir` with a package.json: this package's root. */
function packageRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at
    if (dirname(at) === at) throw new Error(`@sluice/dashboard: no package.json above ${dir}`)
  }
}
