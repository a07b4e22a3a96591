import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Installs `packages` (npm specs) into `<dir>/node_modules` with npm, unless
 * the same list was installed there already. Install scripts are skipped:
 * they would download prebuilt binaries; the one native module the suites
 * need, better-sqlite3, is linked from this workspace (see linkBetterSqlite3).
 */
export function npmInstall(dir: string, packages: readonly string[]): void {
  const stamp = join(dir, '.sluice-installed')
  const wanted = packages.join('\n')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return
  mkdirSync(dir, { recursive: true })
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
  console.log(`[conformance] npm install in ${dir} (${packages.length} packages)`)
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...packages], { cwd: dir, stdio: 'inherit' })
  writeFileSync(stamp, wanted)
}

/** Points `link` at `target` (replacing what is there). */
export function symlink(target: string, link: string): void {
  if (existsSync(link) || isDanglingLink(link)) rmSync(link, { recursive: true, force: true })
  mkdirSync(dirname(link), { recursive: true })
  symlinkSync(target, link)
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

/** This workspace's built better-sqlite3 (the release the adapters are tested with), linked into a suite's node_modules. */
export function linkBetterSqlite3(nodeModules: string): void {
  const require = createRequire(join(REPO, 'adapters', 'knex', 'package.json'))
  symlink(realpathSync(dirname(require.resolve('better-sqlite3/package.json'))), join(nodeModules, 'better-sqlite3'))
}

/** The installed release of a package as this workspace resolves it from an adapter, e.g. kysely 0.28.19. */
export function installedPackageDir(adapter: string, name: string): string {
  // pnpm links each dependency into the adapter's own node_modules (some packages do not export package.json)
  return realpathSync(join(REPO, 'adapters', adapter, 'node_modules', name))
}

/** Replaces `text` in a file, which must occur exactly once (a harness patch that no longer matches must fail loudly). */
export function replaceOnce(file: string, text: string, replacement: string): void {
  const source = readFileSync(file, 'utf8')
  const first = source.indexOf(text)
  if (first === -1 || source.indexOf(text, first + 1) !== -1) {
    throw new Error(`[conformance] expected exactly one occurrence in ${file} of:\n${text}`)
  }
  writeFileSync(file, source.slice(0, first) + replacement + source.slice(first + text.length))
}
