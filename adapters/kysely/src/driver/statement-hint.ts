import type { ExecuteOptions, StatementKind } from '@sluice/core'
import type { CompiledQuery, OperationNode, SelectQueryNode, WithNode } from 'kysely'

const WRITE_NODES: ReadonlySet<string> = new Set([
  'InsertQueryNode',
  'UpdateQueryNode',
  'DeleteQueryNode',
  'MergeQueryNode',
  'CreateTableNode',
  'CreateIndexNode',
  'CreateSchemaNode',
  'CreateViewNode',
  'CreateTypeNode',
  'RefreshMaterializedViewNode',
  'DropTableNode',
  'DropIndexNode',
  'DropSchemaNode',
  'DropViewNode',
  'DropTypeNode',
  'AlterTableNode',
])

/**
 * What a statement does, as Kysely's operation tree tells it: no SQL
 * parsing needed to know a write. A locking read (`forUpdate()`,
 * `forShare()`, ...) and a select over a data-modifying CTE count as writes,
 * since they must run where writes run. A plain select is `'unknown'`, not
 * `'read'`: it may call a function with side effects (`nextval`, a lock),
 * which only the engine's classifier checks, so the engine decides. Raw SQL
 * (`sql\`...\``) is `'unknown'` too.
 */
export function statementKind(node: OperationNode): StatementKind {
  if (WRITE_NODES.has(node.kind)) return 'write'
  if (node.kind !== 'SelectQueryNode') return 'unknown'
  const select = node as SelectQueryNode
  if (select.endModifiers !== undefined && select.endModifiers.length > 0) return 'write'
  return writesInCte(select.with) ? 'write' : 'unknown'
}

function writesInCte(withNode: WithNode | undefined): boolean {
  return withNode?.expressions.some((cte) => statementKind(cte.expression) === 'write') ?? false
}

/**
 * The options every statement from Kysely runs with: the one place where
 * what Kysely knows about a statement reaches the engine, as its routing
 * `hint`. Raw SQL carries none, so the engine's classifier decides.
 */
export function executeOptions(query: CompiledQuery): ExecuteOptions | undefined {
  const hint = statementKind(query.query)
  return hint === 'unknown' ? undefined : { hint }
}
