import ts from 'typescript'
import { importMetaUrlFromFilename } from './import-meta-url.js'
import { relativeSpecifiersTo } from './relative-specifiers.js'

/**
 * Compiles the sources again as CommonJS modules (`.cjs` with source maps)
 * into `outDir`. Each file is compiled on its own, without type information
 * (the sources are written for `isolatedModules`, and the ES module build has
 * type-checked them already), which is what `ts.transpileModule` does for one
 * file, done here for all of them in one program. `import()` of a package
 * becomes `require()`, which is what Jest's CommonJS runtime and bundlers
 * targeting CommonJS need for the optional drivers.
 *
 * @returns output file name -> text
 */
export function compileToCommonjs(sourceFiles: readonly string[], options: ts.CompilerOptions, outDir: string): Map<string, string> {
  const program = ts.createProgram({ rootNames: sourceFiles, options: commonjsOptions(options, outDir) })
  const files = new Map<string, string>()
  const write: ts.WriteFileCallback = (fileName, text) => {
    if (fileName.endsWith('.js')) files.set(`${fileName.slice(0, -3)}.cjs`, text.replace(/(\/\/# sourceMappingURL=.*)\.js\.map\s*$/, '$1.cjs.map\n'))
    else if (fileName.endsWith('.js.map')) files.set(`${fileName.slice(0, -7)}.cjs.map`, text.replace(/"file":"(.*?)\.js"/, '"file":"$1.cjs"'))
    else throw new Error(`unexpected output ${fileName}`)
  }
  const transformers = { before: [importMetaUrlFromFilename], after: [relativeSpecifiersTo('.cjs') as ts.TransformerFactory<ts.SourceFile>] }
  const { diagnostics } = program.emit(undefined, write, undefined, false, transformers)
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => outDir, getNewLine: () => '\n' }))
  return files
}

function commonjsOptions(options: ts.CompilerOptions, outDir: string): ts.CompilerOptions {
  const { customConditions: _conditions, verbatimModuleSyntax: _verbatim, ...rest } = options
  return {
    ...rest,
    outDir,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    isolatedModules: true,
    noResolve: true,
    noLib: true,
    types: [],
    declaration: false,
    sourceMap: true,
  }
}
