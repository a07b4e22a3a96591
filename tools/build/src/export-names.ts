import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const requireFromHere = createRequire(import.meta.url)

/** The names a built CommonJS module exports, loaded the way `require()` loads it. */
export function commonjsExportNames(file: string): string[] {
  return Object.keys(requireFromHere(file) as object).filter((name) => name !== 'default' && name !== '__esModule')
}

/** The names a built ES module exports, loaded the way `import` loads it. */
export async function esmExportNames(file: string): Promise<string[]> {
  return Object.keys((await import(pathToFileURL(file).href)) as object).filter((name) => name !== 'default')
}
