/** What a statement may do, as far as a classifier can tell from its text. */
export type StatementKind = 'read' | 'write' | 'unknown'
