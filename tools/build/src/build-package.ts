/**
 * Builds the package in the current directory (every published package's
 * `build` script runs this): a type-checked ES module build in `dist/esm`, a
 * CommonJS build in `dist/cjs`, types for both, and the package.json fields
 * that point at them. See tools/build/README.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { compileToCommonjs } from './commonjs.js'
import { compile } from './compile.js'
import { esmWrapper } from './esm-wrapper.js'
import { COMMONJS_DIR, ESM_DIR } from './layout.js'
import { packageEntries } from './package-entries.js'
import { normalizedManifest, type Manifest } from './package-manifest.js'
import { subpathStubs } from './subpath-stubs.js'
import { verifyEntries } from './verify-entries.js'

const packageDir = process.cwd()
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest
const name = String(manifest.name)
const entries = packageEntries(manifest.exports, name)
syncCommitted(new Map([['package.json', `${JSON.stringify(normalizedManifest(manifest, entries), null, 2)}\n`], ...subpathStubs(entries)]))

const compilation = compile(packageDir)
const esmDir = join(packageDir, ESM_DIR)
const commonjsDir = join(packageDir, COMMONJS_DIR)
if (compilation.options.outDir !== esmDir) throw new Error(`${name}: tsconfig.build.json must emit to ${ESM_DIR} (extend the repository's tsconfig.build.json)`)
rmSync(join(packageDir, 'dist'), { recursive: true, force: true })

writeAll(compileToCommonjs(compilation.sourceFiles, compilation.options, commonjsDir))
for (const [file, text] of compilation.commonjsDeclarations) {
  write(join(commonjsDir, relative(esmDir, file).replace(/\.d\.ts$/, '.d.cts')), text)
}
if (esmMode() === 'native') {
  writeAll(compilation.esm)
} else {
  for (const entry of entries) {
    const wrapperFile = join(esmDir, `${entry.stem}.js`)
    const commonjsFile = join(commonjsDir, `${entry.stem}.cjs`)
    const { js, dts } = esmWrapper(commonjsFile, relative(dirname(wrapperFile), commonjsFile).split(sep).join('/'))
    write(wrapperFile, js)
    write(join(esmDir, `${entry.stem}.d.ts`), dts)
  }
}
await verifyEntries(packageDir, entries)
console.log(`${name}: built ${entries.map((entry) => entry.subpath).join(', ')} (CommonJS, ES modules ${esmMode() === 'native' ? 'compiled' : 'wrapping it'}, types for both)`)

/**
 * How the ES module build is made: `native` compiles the sources a second
 * time; `wrapper` re-exports the CommonJS build, for a package whose classes
 * and state must exist once per app however it is loaded (`@sluice/core`).
 */
function esmMode(): 'native' | 'wrapper' {
  const mode = (manifest.sluiceBuild as { esm?: unknown } | undefined)?.esm ?? 'native'
  if (mode !== 'native' && mode !== 'wrapper') throw new Error(`${name}: sluiceBuild.esm must be "native" or "wrapper", got ${JSON.stringify(mode)}`)
  return mode
}

/**
 * Brings the committed files derived from the exports map (package.json's
 * fields, the subpath stubs) up to date. In CI a stale one fails the build
 * instead, so what is committed is what ships.
 */
function syncCommitted(files: ReadonlyMap<string, string>): void {
  const stale = [...files].filter(([file, text]) => !existsSync(join(packageDir, file)) || readFileSync(join(packageDir, file), 'utf8') !== text)
  if (stale.length === 0) return
  const names = stale.map(([file]) => file).join(', ')
  if (process.env.CI) throw new Error(`${name}: ${names} not what the build derives from the exports map; run \`pnpm build\` and commit them`)
  for (const [file, text] of stale) write(join(packageDir, file), text)
  console.log(`${name}: updated ${names} from the exports map (commit them)`)
}

function writeAll(files: ReadonlyMap<string, string>): void {
  for (const [file, text] of files) write(file, text)
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
}
