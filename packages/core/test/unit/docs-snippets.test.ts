import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** The fenced ```ts blocks of a markdown file under the heading `heading`. */
function snippets(file: string, heading: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const start = text.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`${file} has no heading ${heading}`)
  const next = text.indexOf('\n## ', start + heading.length + 2)
  const section = text.slice(start, next < 0 ? undefined : next)
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

/** Type-checks `source` as a user's ES module importing '@sluice/core', with the workspace's strict options. */
function typeErrors(source: string): string[] {
  // inside packages/core, '@sluice/core' resolves to the package itself (its sources, through @sluice/source)
  const file = join(root, 'packages/core/test/unit/__snippet__.ts')
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['@sluice/source'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest)
  const program = ts.createProgram([file], options, host)
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

// a TypeScript program over the engine's sources takes seconds on a busy machine
describe('the documentation snippets compile under tsc --strict', { timeout: 60_000 }, () => {
  it("README's 'Use it' and getting started's message API", () => {
    const [useIt] = snippets('README.md', '## Use it')
    const messages = snippets('docs/getting-started.md', '## 6. The message API')
    expect(useIt).toContain("from '@sluice/core'")
    expect(messages.join('')).toContain('pool.process(')
    // the message API's lines use the README's pool, and read what process() returns
    const source = `${useIt!}\n${messages.join('\n')}\nconst id: string = connectionId\nexport { id }\n`
    expect(typeErrors(source)).toEqual([])
  })

  it('catches a snippet that does not compile (the check is live)', () => {
    expect(typeErrors("import { createPool } from '@sluice/core'\nconst n: number = createPool\nexport { n }\n")).not.toEqual([])
  })
})
