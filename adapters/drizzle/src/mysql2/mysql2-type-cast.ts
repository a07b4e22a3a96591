import type { Mysql2CastField } from './mysql2-driver-types.js'

/** Column types Drizzle's mysql2 session reads as strings; Drizzle's columns parse them (as UTC). */
const STRING_TYPES: ReadonlySet<string> = new Set(['TIMESTAMP', 'DATETIME', 'DATE'])

/**
 * The `typeCast` Drizzle passes with every statement, set once on the pool's
 * connections instead: Sluice runs statements without per-statement options,
 * so each connection converts values as Drizzle's statements ask.
 */
export function drizzleTypeCast(field: Mysql2CastField, next: () => unknown): unknown {
  return STRING_TYPES.has(field.type) ? field.string() : next()
}
