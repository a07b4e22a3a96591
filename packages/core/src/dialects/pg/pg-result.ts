import type { QueryResult } from '../../dialect.js'

/** Commands whose row count is a count of changed rows (for SELECT it counts returned rows). */
const ROW_CHANGING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'])

/** The parts of pg's `Result` (or a pipelined one) the engine reads. */
export interface PgResultShape {
  readonly command: string | null | undefined
  readonly rowCount: number | null | undefined
  readonly rows: unknown[]
  readonly fields: ReadonlyArray<{ readonly name: string }>
}

/**
 * One pg result in the engine's neutral shape, the same for `run()` and
 * pipelined statements. `fields` are pg's own field descriptions, handed
 * through as pg.Pool does (each has its `name`, plus pg's `dataTypeID` and
 * the rest): a copy per field per statement cost more than anything else here.
 */
export function toQueryResult(result: PgResultShape, raw: unknown): QueryResult & { fields: Array<{ name: string }> } {
  const command = result.command ?? undefined
  const changed = command !== undefined && ROW_CHANGING_COMMANDS.has(command)
  return {
    rows: result.rows as Array<Record<string, unknown>>,
    command,
    fields: result.fields as Array<{ name: string }>,
    affectedRows: changed ? (result.rowCount ?? undefined) : undefined,
    raw,
  }
}
