import ts from 'typescript'

/**
 * A transformer that points relative module specifiers at the CommonJS
 * files: `./pool/pool.js` becomes `./pool/pool.cjs`, in `require()` and
 * `import()` calls of emitted JavaScript and in the imports, re-exports and
 * `import("...")` types of emitted declarations (which then resolve to the
 * `.d.cts` beside it). Package specifiers (`kysely`, `node:events`) are left
 * alone.
 */
export function relativeSpecifiersTo(extension: '.cjs'): ts.TransformerFactory<ts.SourceFile | ts.Bundle> {
  const rewrite = (specifier: string): string => (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') ? `${specifier.slice(0, -3)}${extension}` : specifier)
  return (context) => {
    const { factory } = context
    const literal = (node: ts.Expression): ts.Expression => (ts.isStringLiteral(node) ? factory.createStringLiteral(rewrite(node.text)) : node)
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node)) {
        return factory.updateImportDeclaration(node, node.modifiers, node.importClause, literal(node.moduleSpecifier), node.attributes)
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
        return factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, literal(node.moduleSpecifier), node.attributes)
      }
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const argument = factory.updateLiteralTypeNode(node.argument, literal(node.argument.literal as ts.Expression) as ts.StringLiteral)
        return factory.updateImportTypeNode(node, argument, node.attributes, node.qualifier, node.typeArguments, node.isTypeOf)
      }
      if (ts.isCallExpression(node) && isModuleCall(node) && node.arguments[0] !== undefined) {
        return factory.updateCallExpression(node, node.expression, node.typeArguments, [literal(node.arguments[0]), ...node.arguments.slice(1)])
      }
      return ts.visitEachChild(node, visit, context)
    }
    return (file) => (ts.isSourceFile(file) ? ts.visitEachChild(file, visit, context) : file)
  }
}

function isModuleCall(call: ts.CallExpression): boolean {
  return call.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(call.expression) && call.expression.text === 'require')
}
