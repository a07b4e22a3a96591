/** mysql2's column definition: the two members nesting reads. */
interface ColumnDefinition {
  readonly name: string
  readonly table: string
}

/**
 * What mysql2's `nestTables` query option makes of a result, done on rows
 * read as arrays (so that same-named columns of two tables both survive):
 * `true` nests each column under its table or alias,
 * `{ a1: { email }, a2: { email } }`; a string joins table and column with it
 * (`{ a1_email, a2_email }` for `'_'`).
 */
export function nestTables(rows: readonly unknown[][], fields: readonly ColumnDefinition[], nest: true | string): Record<string, unknown>[] {
  return rows.map((values) => {
    const row: Record<string, any> = {}
    fields.forEach((field, index) => {
      if (nest === true) (row[field.table] ??= {})[field.name] = values[index]
      else row[`${field.table}${nest}${field.name}`] = values[index]
    })
    return row
  })
}

/** The `nestTables` option as mysql2 reads it: `true` or a separator string; anything else means no nesting. */
export function nestTablesOption(options: Record<string, unknown> | undefined): true | string | undefined {
  const nest = options?.nestTables
  // mysql2 returns plain arrays when rowsAsArray is also set
  if (options?.rowsAsArray === true) return undefined
  return nest === true || typeof nest === 'string' ? nest : undefined
}
