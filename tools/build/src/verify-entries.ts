import { join } from 'node:path'
import { commonjsExportNames, esmExportNames } from './export-names.js'
import { COMMONJS_DIR, ESM_DIR } from './layout.js'
import type { PackageEntry } from './package-entries.js'

/**
 * Loads every entry of both builds, as `require()` and as `import`, and
 * checks they export the same names: a module that does not load (a
 * CommonJS-only construct missed, a bad relative path) or an API that differs
 * between the two formats fails the build, not a user's app.
 */
export async function verifyEntries(packageDir: string, entries: readonly PackageEntry[]): Promise<void> {
  for (const entry of entries) {
    const commonjs = commonjsExportNames(join(packageDir, COMMONJS_DIR, `${entry.stem}.cjs`)).sort()
    const esm = (await esmExportNames(join(packageDir, ESM_DIR, `${entry.stem}.js`))).sort()
    const onlyOne = [...commonjs.filter((name) => !esm.includes(name)), ...esm.filter((name) => !commonjs.includes(name))]
    if (onlyOne.length > 0) throw new Error(`exports["${entry.subpath}"]: the CommonJS and ES module builds differ in ${onlyOne.join(', ')}`)
  }
}
