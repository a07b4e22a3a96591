import { IdentifierNode, RawNode } from 'kysely'

/**
 * `savepoint "name"`, `rollback to "name"` or `release "name"` as an
 * operation node, for the dialect's compiler to quote the name the way the
 * stock drivers have it quoted.
 *
 * @internal
 */
export function savepointCommand(command: string, savepointName: string): RawNode {
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(savepointName)])
}
