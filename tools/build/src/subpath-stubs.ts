import { COMMONJS_DIR } from './layout.js'
import type { PackageEntry } from './package-entries.js'

/**
 * For tools that predate `exports` (TypeScript's `node10` resolution, i.e.
 * `"module": "commonjs"` projects, and old bundlers): one directory per
 * subpath, named like it, whose package.json points at the CommonJS build,
 * so `@sluice/drizzle/mysql2` resolves there too. `typesVersions` would do
 * for types, but TypeScript 4.7 and 4.8 consult it before `exports` and
 * would hand ES module importers the CommonJS types.
 *
 * @returns stub file (relative to the package) -> text
 */
export function subpathStubs(entries: readonly PackageEntry[]): Map<string, string> {
  const stubs = new Map<string, string>()
  for (const entry of entries.filter((candidate) => candidate.subpath !== '.')) {
    const directory = entry.subpath.slice(2)
    const up = directory.split('/').map(() => '..').join('/')
    const stub = { main: `${up}/${COMMONJS_DIR}/${entry.stem}.cjs`, types: `${up}/${COMMONJS_DIR}/${entry.stem}.d.cts` }
    stubs.set(`${directory}/package.json`, `${JSON.stringify(stub, null, 2)}\n`)
  }
  return stubs
}

/** The directories `subpathStubs()` writes, which `files` must list to publish them. */
export function stubDirectories(entries: readonly PackageEntry[]): string[] {
  return entries.filter((entry) => entry.subpath !== '.').map((entry) => entry.subpath.slice(2).split('/')[0]!)
}
