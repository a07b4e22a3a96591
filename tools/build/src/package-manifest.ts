import { COMMONJS_DIR, ESM_DIR } from './layout.js'
import { SOURCE_CONDITION, type PackageEntry } from './package-entries.js'
import { stubDirectories } from './subpath-stubs.js'

export type Manifest = Record<string, unknown>

/**
 * The `exports` block of one entry. `@sluice/source` comes first so the
 * workspace's tests and type checks read the sources; `import` gets the ES
 * module build with `.d.ts` types, `require` the CommonJS build with `.d.cts`
 * types, each `types` first as TypeScript requires.
 */
export function entryExports(entry: PackageEntry): Record<string, unknown> {
  return {
    [SOURCE_CONDITION]: entry.source,
    import: { types: `./${ESM_DIR}/${entry.stem}.d.ts`, default: `./${ESM_DIR}/${entry.stem}.js` },
    require: { types: `./${COMMONJS_DIR}/${entry.stem}.d.cts`, default: `./${COMMONJS_DIR}/${entry.stem}.cjs` },
  }
}

/**
 * The fields derived from the entries: `exports`; for tools that predate
 * `exports` (TypeScript's `node10` resolution, i.e. `"module": "commonjs"`
 * projects) `main` and `types` (subpaths get stub directories, see
 * subpath-stubs.ts); and those directories added to `files`. Every other
 * field is left as written, in its place.
 */
export function normalizedManifest(manifest: Manifest, entries: readonly PackageEntry[]): Manifest {
  const main = entries.find((entry) => entry.subpath === '.')
  if (main === undefined) throw new Error(`${String(manifest.name)}: exports has no "." entry`)
  const derived: Manifest = {
    main: `./${COMMONJS_DIR}/${main.stem}.cjs`,
    types: `./${COMMONJS_DIR}/${main.stem}.d.cts`,
    exports: { ...Object.fromEntries(entries.map((entry) => [entry.subpath, entryExports(entry)])), './package.json': './package.json' },
  }
  const files = Array.isArray(manifest.files) ? (manifest.files as string[]) : []
  const result: Manifest = {}
  for (const [key, value] of Object.entries(manifest)) {
    if (key in derived || key === 'typesVersions') continue
    result[key] = key === 'files' ? [...files, ...stubDirectories(entries).filter((directory) => !files.includes(directory))] : value
    // the derived fields go right after `type`, where a reader looks for them
    if (key === 'type') Object.assign(result, derived)
  }
  if (!('type' in manifest)) Object.assign(result, derived)
  return result
}
