import { dirname, join } from 'node:path'
import ts from 'typescript'
import { relativeSpecifiersTo } from './relative-specifiers.js'

/** What one type-checked compilation of a package produces, file name -> text, nothing written yet. */
export interface Compilation {
  /** The sources (`src/**\/*.ts`) with the options they were checked with. */
  readonly sourceFiles: readonly string[]
  readonly options: ts.CompilerOptions
  /** The ES module build: `.js`, `.js.map` and `.d.ts` under `dist/esm`. */
  readonly esm: ReadonlyMap<string, string>
  /** The declarations again, as `.d.ts` text whose relative imports name `.cjs` files, under `dist/esm`. */
  readonly commonjsDeclarations: ReadonlyMap<string, string>
}

/**
 * Type-checks a package with its `tsconfig.build.json` (which extends the
 * repository's one build config) and emits in memory. A type error stops the
 * build with the compiler's own messages.
 */
export function compile(packageDir: string): Compilation {
  const config = parseBuildConfig(join(packageDir, 'tsconfig.build.json'))
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options })
  failOn(ts.getPreEmitDiagnostics(program), packageDir)
  const esm = new Map<string, string>()
  failOn(program.emit(undefined, (fileName, text) => esm.set(fileName, text)).diagnostics, packageDir)
  const commonjsDeclarations = new Map<string, string>()
  const collect: ts.WriteFileCallback = (fileName, text) => commonjsDeclarations.set(fileName, text)
  failOn(program.emit(undefined, collect, undefined, true, { afterDeclarations: [relativeSpecifiersTo('.cjs')] }).diagnostics, packageDir)
  return { sourceFiles: config.fileNames, options: config.options, esm, commonjsDeclarations }
}

function parseBuildConfig(configPath: string): ts.ParsedCommandLine {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => failOn([diagnostic], dirname(configPath)),
  }
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, host)
  if (config === undefined) throw new Error(`cannot read ${configPath}`)
  failOn(config.errors, dirname(configPath))
  return config
}

function failOn(diagnostics: readonly ts.Diagnostic[], packageDir: string): void {
  const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
  if (errors.length === 0) return
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => packageDir, getNewLine: () => '\n' }
  throw new Error(`type errors, nothing was built:\n${ts.formatDiagnosticsWithColorAndContext(errors, host)}`)
}
