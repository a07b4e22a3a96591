import ts from 'typescript'

/**
 * A transformer for the CommonJS build: `import.meta.url` (which sources use
 * for `createRequire(import.meta.url)`) becomes the same URL computed from
 * `__filename`. Any other `import.meta` member has no CommonJS equivalent, so
 * the build stops and names the file rather than ship a module that throws a
 * SyntaxError when it is loaded.
 */
export const importMetaUrlFromFilename: ts.TransformerFactory<ts.SourceFile> = (context) => {
  const { factory } = context
  const fileUrl = (): ts.Expression => {
    const url = factory.createCallExpression(factory.createIdentifier('require'), undefined, [factory.createStringLiteral('node:url')])
    const call = factory.createCallExpression(factory.createPropertyAccessExpression(url, 'pathToFileURL'), undefined, [factory.createIdentifier('__filename')])
    return factory.createPropertyAccessExpression(call, 'href')
  }
  return (file) => {
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isPropertyAccessExpression(node) && isImportMeta(node.expression) && node.name.text === 'url') return fileUrl()
      if (isImportMeta(node)) throw new Error(`${file.fileName}: only import.meta.url has a CommonJS equivalent; this use of import.meta cannot be built for require()`)
      return ts.visitEachChild(node, visit, context)
    }
    return ts.visitEachChild(file, visit, context)
  }
}

function isImportMeta(node: ts.Node): boolean {
  return ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword && node.name.text === 'meta'
}
