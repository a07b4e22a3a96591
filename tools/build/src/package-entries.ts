/**
 * The entry points of a package, read from its `exports` map. Each subpath
 * names the TypeScript source it is built from, either as the whole value
 * (`"./adapter": "./src/adapter.ts"`, the one line a new subpath needs) or as
 * the `@sluice/source` condition of a block this tool wrote before.
 */
export interface PackageEntry {
  /** The subpath as users import it: `.`, `./adapter`, `./node-postgres`. */
  readonly subpath: string
  /** The source file, relative to the package: `./src/adapter.ts`. */
  readonly source: string
  /** The built file's path under `dist/esm` and `dist/cjs`, without extension: `adapter`, `node-postgres/index`. */
  readonly stem: string
}

/** The condition that resolves a workspace package to its TypeScript sources (tests, tsx, type checks). */
export const SOURCE_CONDITION = '@sluice/source'

const SOURCE_FILE = /^\.\/src\/(.+)\.ts$/

export function packageEntries(exportsField: unknown, packageName: string): PackageEntry[] {
  if (typeof exportsField !== 'object' || exportsField === null) {
    throw new Error(`${packageName}: package.json needs an "exports" map whose subpaths name their sources ("./x": "./src/x.ts")`)
  }
  return Object.entries(exportsField)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, value]) => {
      const source = typeof value === 'string' ? value : (value as Record<string, unknown>)[SOURCE_CONDITION]
      const stem = typeof source === 'string' ? SOURCE_FILE.exec(source)?.[1] : undefined
      if (stem === undefined) {
        throw new Error(`${packageName}: exports["${subpath}"] must name a TypeScript source under ./src ("./src/x.ts"), either as its value or as its "${SOURCE_CONDITION}" condition`)
      }
      return { subpath, source: source as string, stem }
    })
}
